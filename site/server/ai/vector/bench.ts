// Benchmark: embedded vector memory. Prints figures; not a test.
//   node --import tsx site/server/ai/vector/bench.ts [--n 100000] [--dims 256] [--queries 200]
import { streamFromKey } from '../../../../engine/rng/rng.ts';
import { HashedNgramEmbedder } from './embedder.ts';
import { MemoryVectorStore } from './memory-store.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('n', 100_000);
const dims = arg('dims', 256);
const queries = arg('queries', 200);
const rng = streamFromKey('vector-bench');
const vec = () => Float32Array.from({ length: dims }, () => rng() * 2 - 1);

const embedder = new HashedNgramEmbedder({ dims });
const sentences = Array.from(
  { length: 2000 },
  (_, i) => `player ${i} told the sage about the grey wolves near the old mill ${i % 37}`,
);
let t = performance.now();
await embedder.embed(sentences);
const embedUs = ((performance.now() - t) * 1000) / sentences.length;

const store = new MemoryVectorStore({ dims });
const partitions = 8;
const batches = Array.from({ length: partitions }, (_, p) =>
  Array.from({ length: n / partitions }, (_, i) => ({
    id: `m${p}-${i}`,
    vector: vec(),
    metadata: { playerId: `p${i % 500}`, npcId: 'sage' },
  })),
);
t = performance.now();
for (let p = 0; p < partitions; p++)
  await store.upsert('npc_memory', { realm: 'r', zone: `z${p}` }, batches[p]);
const insertMs = performance.now() - t;

const qs = Array.from({ length: queries }, vec);
t = performance.now();
for (const q of qs) await store.search('npc_memory', { vector: q, topK: 5 });
const allMs = (performance.now() - t) / queries;
t = performance.now();
for (const q of qs)
  await store.search('npc_memory', { vector: q, topK: 5, partitions: [{ realm: 'r', zone: 'z0' }] });
const oneMs = (performance.now() - t) / queries;
t = performance.now();
for (const q of qs)
  await store.search('npc_memory', { vector: q, topK: 5, filter: { playerId: 'p7', npcId: 'sage' } });
const filterMs = (performance.now() - t) / queries;

console.log(`hashed n-gram embedding: ${embedUs.toFixed(1)} µs per sentence (${dims} dims)`);
console.log(`upsert ${n} vectors into ${partitions} partitions: ${insertMs.toFixed(0)} ms`);
console.log(
  `exact top-5 over all ${n}: ${allMs.toFixed(2)} ms/query (${((n * dims) / allMs / 1e6).toFixed(2)} G mul-add/s)`,
);
console.log(`exact top-5 over one partition (${n / partitions}): ${oneMs.toFixed(2)} ms/query`);
console.log(
  `top-5 with a metadata filter (≈${Math.round(n / 500)} matches): ${filterMs.toFixed(2)} ms/query`,
);

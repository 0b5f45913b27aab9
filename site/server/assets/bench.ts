// Benchmark: procedural asset rendering and the queue's cache path. Prints figures; not a test.
//   node --import tsx site/server/assets/bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetQueue } from './asset-queue.ts';
import { LocalAssetStorage } from './asset-storage.ts';
import type { AssetSubject } from './image-generator.ts';
import { BIOMES, randomAppearance } from './image-generator.ts';
import { ProceduralImageGenerator } from './procedural.ts';

const g = new ProceduralImageGenerator();
function time(label: string, subjects: AssetSubject[], format: 'png' | 'svg'): void {
  const t = performance.now();
  let bytes = 0;
  for (const s of subjects) bytes += g.render(g.plan(s, format)).bytes.length;
  const ms = (performance.now() - t) / subjects.length;
  console.log(`${label}: ${ms.toFixed(2)} ms each, ${Math.round(bytes / subjects.length)} bytes`);
}
const portraits: AssetSubject[] = Array.from({ length: 50 }, (_, i) => ({
  kind: 'portrait',
  characterClass: 'mage',
  appearance: randomAppearance(`bench:${i}`),
}));
const creatures: AssetSubject[] = Array.from({ length: 50 }, (_, i) => ({
  kind: 'creature',
  species: 'boar',
  bodyPlan: (['quadruped', 'bird', 'slime', 'serpent'] as const)[i % 4],
  genes: {
    hue: (i * 37) % 360,
    pattern: (['solid', 'spots', 'stripes'] as const)[i % 3],
    size: 0.6 + (i % 9) / 10,
  },
}));
const variants: AssetSubject[] = BIOMES.flatMap((biome) =>
  ['tile:grass', 'tile:water', 'prop:tree', 'prop:rock'].map((baseAssetId) => ({
    kind: 'biome-variant' as const,
    baseAssetId,
    biome,
  })),
);
time('portrait 128 px PNG', portraits, 'png');
time('portrait SVG', portraits, 'svg');
time('creature 96 px PNG', creatures, 'png');
time('biome variant PNG (tiles 32 px, props 64 px)', variants, 'png');

const dir = mkdtempSync(join(tmpdir(), 'arcane-asset-bench-'));
try {
  const q = new AssetQueue({ generator: g, storage: new LocalAssetStorage({ dir }) });
  let t = performance.now();
  await Promise.all(portraits.map((subject) => q.request({ subject, zoneId: 'z' })));
  const cold = (performance.now() - t) / portraits.length;
  t = performance.now();
  for (let k = 0; k < 10; k++)
    await Promise.all(portraits.map((subject) => q.request({ subject, zoneId: 'z' })));
  const warm = (performance.now() - t) / (portraits.length * 10);
  console.log(
    `queue, first request (render + write): ${cold.toFixed(2)} ms; cache hit: ${(warm * 1000).toFixed(0)} µs`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

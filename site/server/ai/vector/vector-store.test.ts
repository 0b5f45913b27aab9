import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveTarget } from '../live-service.ts';
import { HashedNgramEmbedder } from './embedder.ts';
import { fakeMilvus } from './fake-milvus.ts';
import { MemoryVectorStore } from './memory-store.ts';
import { filterExpr, milvusPartitionName, MilvusVectorStore } from './milvus-store.ts';
import type { VectorStore } from './vector-store.ts';

const DIMS = 8;
const north = { realm: 'r1', zone: 'north' };
const south = { realm: 'r1', zone: 'south' };
const otherRealm = { realm: 'r2', zone: 'north' };

/** A unit basis vector plus a little of another axis, so rankings are unambiguous. */
function vec(axis: number, tilt = 0, tiltAxis = (axis + 1) % DIMS): number[] {
  const v = new Array<number>(DIMS).fill(0);
  v[axis] = 1;
  v[tiltAxis] += tilt;
  return v;
}

/** The one contract every VectorStore meets; run against each backend below. */
function vectorStoreContract(make: (dims: number) => Promise<VectorStore>) {
  const opened: VectorStore[] = [];
  const fresh = async (dims = DIMS) => {
    const store = await make(dims);
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it('returns the top-k nearest by cosine, best first, with metadata and partition', async () => {
    const s = await fresh();
    await s.upsert('bestiary', north, [
      { id: 'a', vector: vec(0), metadata: { name: 'wolf', legs: 4 } },
      { id: 'b', vector: vec(0, 0.5), metadata: { name: 'dog', legs: 4 } },
      { id: 'c', vector: vec(1), metadata: { name: 'crow', legs: 2 } },
      { id: 'd', vector: vec(0, 2), metadata: { name: 'hound', legs: 4 } },
    ]);
    const hits = await s.search('bestiary', { vector: vec(0), topK: 3 });
    expect(hits.map((h) => h.id)).toEqual(['a', 'b', 'd']);
    expect(hits[0].score).toBeCloseTo(1, 4);
    expect(hits[1].score).toBeCloseTo(1 / Math.sqrt(1.25), 4);
    expect(hits[0].metadata).toEqual({ name: 'wolf', legs: 4 });
    expect(hits[0].partition).toEqual(north);
    // Scale does not matter for cosine.
    const scaled = await s.search('bestiary', { vector: vec(1).map((x) => x * 7), topK: 1 });
    expect(scaled[0].id).toBe('c');
    expect(scaled[0].score).toBeCloseTo(1, 4);
  });

  it('keeps partitions apart and searches all of them when none are named', async () => {
    const s = await fresh();
    await s.upsert('npc_memory', north, [{ id: 'n1', vector: vec(2), metadata: { playerId: 'p1' } }]);
    await s.upsert('npc_memory', south, [{ id: 's1', vector: vec(2, 0.1), metadata: { playerId: 'p1' } }]);
    await s.upsert('npc_memory', otherRealm, [{ id: 'o1', vector: vec(2), metadata: { playerId: 'p1' } }]);
    const southOnly = await s.search('npc_memory', { vector: vec(2), topK: 5, partitions: [south] });
    expect(southOnly.map((h) => h.id)).toEqual(['s1']);
    const realm1 = await s.search('npc_memory', { vector: vec(2), topK: 5, partitions: [north, south] });
    expect(realm1.map((h) => h.id).sort()).toEqual(['n1', 's1']);
    const all = await s.search('npc_memory', { vector: vec(2), topK: 5 });
    expect(all.map((h) => h.id).sort()).toEqual(['n1', 'o1', 's1']);
    const never = await s.search('npc_memory', {
      vector: vec(2),
      topK: 5,
      partitions: [{ realm: 'r9', zone: 'nowhere' }],
    });
    expect(never).toEqual([]);
    // Collections are separate too.
    const bestiary = await s.search('bestiary', { vector: vec(2), topK: 5, partitions: [south] });
    expect(bestiary).toEqual([]);
  });

  it('filters by metadata equality on strings, numbers and booleans', async () => {
    const s = await fresh();
    await s.insert('npc_memory', north, [
      { id: 'm1', vector: vec(3), metadata: { playerId: 'p1', npcId: 'sage', turn: 1, kept: true } },
      { id: 'm2', vector: vec(3), metadata: { playerId: 'p2', npcId: 'sage', turn: 1, kept: true } },
      { id: 'm3', vector: vec(3), metadata: { playerId: 'p1', npcId: 'sage', turn: 2, kept: false } },
      { id: 'm4', vector: vec(3), metadata: { playerId: 'p1', npcId: 'smith', turn: 1, kept: true } },
    ]);
    const p1sage = await s.search('npc_memory', {
      vector: vec(3),
      topK: 10,
      filter: { playerId: 'p1', npcId: 'sage' },
    });
    expect(p1sage.map((h) => h.id).sort()).toEqual(['m1', 'm3']);
    const turn2 = await s.search('npc_memory', { vector: vec(3), topK: 10, filter: { turn: 2 } });
    expect(turn2.map((h) => h.id)).toEqual(['m3']);
    const kept = await s.search('npc_memory', { vector: vec(3), topK: 10, filter: { kept: false } });
    expect(kept.map((h) => h.id)).toEqual(['m3']);
    const quoted = await s.search('npc_memory', {
      vector: vec(3),
      topK: 10,
      filter: { playerId: 'p1" || "1"=="1' },
    });
    expect(quoted).toEqual([]);
  });

  it('upsert replaces a record; delete removes by id and by filter', async () => {
    const s = await fresh();
    await s.upsert('bestiary', south, [
      { id: 'x', vector: vec(4), metadata: { v: 1 } },
      { id: 'y', vector: vec(5), metadata: { v: 1, kind: 'bird' } },
      { id: 'z', vector: vec(6), metadata: { v: 1, kind: 'bird' } },
    ]);
    await s.upsert('bestiary', south, [{ id: 'x', vector: vec(5), metadata: { v: 2 } }]);
    const near5 = await s.search('bestiary', { vector: vec(5), topK: 10, partitions: [south] });
    expect(near5.filter((h) => h.id === 'x')).toHaveLength(1);
    expect(near5.find((h) => h.id === 'x')?.metadata).toEqual({ v: 2 });
    expect(near5.find((h) => h.id === 'x')?.score).toBeCloseTo(1, 4);
    await s.delete('bestiary', { ids: ['x'] });
    const afterIds = await s.search('bestiary', { vector: vec(5), topK: 10, partitions: [south] });
    expect(afterIds.map((h) => h.id).sort()).toEqual(['y', 'z']);
    await s.delete('bestiary', { filter: { kind: 'bird' }, partitions: [south] });
    expect(await s.search('bestiary', { vector: vec(5), topK: 10, partitions: [south] })).toEqual([]);
  });

  it('finds the right bestiary entry for a question (embedder + store end to end)', async () => {
    const e = new HashedNgramEmbedder({ dims: 64 });
    const s = await fresh(e.dims);
    const texts = ['Deer: a shy grazer that eats grass.', 'Wolf: a pack hunter that eats deer.'];
    const vs = await e.embed(texts);
    await s.upsert('bestiary', north, [
      { id: 'deer', vector: vs[0], metadata: { text: texts[0] } },
      { id: 'wolf', vector: vs[1], metadata: { text: texts[1] } },
    ]);
    const [q] = await e.embed(['tell me about the pack hunter']);
    const hits = await s.search('bestiary', { vector: q, topK: 1 });
    expect(hits[0].id).toBe('wolf');
  });
}

describe('VectorStore contract: embedded exact cosine index', () => {
  vectorStoreContract(async (dims) => new MemoryVectorStore({ dims }));
});

describe('VectorStore contract: Milvus adapter over an in-process stand-in of the SDK client', () => {
  vectorStoreContract(
    async (dims) => new MilvusVectorStore({ address: 'unused', dims, client: fakeMilvus() }),
  );
});

const milvus = liveTarget('MILVUS_ADDRESS', 'VectorStore contract: live Milvus', 'localhost:19530');
describe.skipIf(!milvus.enabled)(milvus.title, () => {
  const stores: MilvusVectorStore[] = [];
  vectorStoreContract(async (dims) => {
    // A fresh pair of collections per test so tests do not see each other's rows.
    const prefix = `arcane_test_${process.pid}_${stores.length}_`;
    const s = new MilvusVectorStore({ address: milvus.value, dims, collectionPrefix: prefix });
    stores.push(s);
    // The contract closes each store it opened: drop the test collections first.
    const close = s.close.bind(s);
    s.close = async () => {
      await s.drop().catch(() => {});
      await close();
    };
    return s;
  });
});

describe('MemoryVectorStore persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arcane-vec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads what it saved, and ignores files written by another embedder', async () => {
    const a = await MemoryVectorStore.open({ dims: DIMS, persistDir: dir, embedderId: 'e1' });
    await a.upsert('npc_memory', north, [{ id: 'm', vector: vec(7), metadata: { text: 'hello' } }]);
    await a.upsert('bestiary', south, [{ id: 'b', vector: vec(1), metadata: { name: 'boar' } }]);
    await a.close();
    const b = await MemoryVectorStore.open({ dims: DIMS, persistDir: dir, embedderId: 'e1' });
    expect(b.discardedReason).toBeUndefined();
    const hit = await b.search('npc_memory', { vector: vec(7), topK: 1 });
    expect(hit[0]).toMatchObject({ id: 'm', partition: north, metadata: { text: 'hello' } });
    expect(hit[0].score).toBeCloseTo(1, 5);
    expect(b.count('bestiary')).toBe(1);
    const c = await MemoryVectorStore.open({ dims: DIMS, persistDir: dir, embedderId: 'e2' });
    expect(c.discardedReason).toMatch(/embedder e1, now e2/);
    expect(c.count('npc_memory')).toBe(0);
  });

  it('rejects inserting an id that exists and vectors of the wrong length', async () => {
    const s = new MemoryVectorStore({ dims: DIMS });
    await s.insert('bestiary', north, [{ id: 'a', vector: vec(0), metadata: {} }]);
    await expect(s.insert('bestiary', south, [{ id: 'a', vector: vec(0), metadata: {} }])).rejects.toThrow(
      /already exists/,
    );
    await expect(s.upsert('bestiary', north, [{ id: 'b', vector: [1, 2], metadata: {} }])).rejects.toThrow(
      /2 dims, store expects 8/,
    );
  });
});

describe('Milvus naming', () => {
  it('makes valid, distinct partition names and escaped filter expressions', () => {
    const a = milvusPartitionName({ realm: 'eu-1', zone: 'forest/3' });
    const b = milvusPartitionName({ realm: 'eu_1', zone: 'forest_3' });
    expect(a).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(a).not.toBe(b);
    expect(filterExpr({ playerId: 'a"b', turn: 3, kept: true })).toBe(
      'meta["playerId"] == "a\\"b" && meta["turn"] == 3 && meta["kept"] == true',
    );
  });
});

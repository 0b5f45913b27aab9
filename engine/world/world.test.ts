import { afterEach, describe, expect, it } from 'vitest';
import { World } from './world.ts';
import type { WorldOptions } from './world.ts';

const PLUGIN = new URL('./fixtures/test-plugin.ts', import.meta.url).href;
const open: World[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

async function make(opts: Partial<WorldOptions> & { workers: number }): Promise<World> {
  const w = await World.create({
    seed: 11,
    layout: { zonesX: 4, zonesY: 2, zoneWidthM: 40, zoneHeightM: 40, cellM: 4 },
    systems: [{ use: 'wander', params: { count: 1600, speedMps: 3 } }, { use: 'move' }],
    ...opts,
  });
  open.push(w);
  return w;
}

async function hashes(w: World, ticks: number): Promise<string[]> {
  const out = [w.hash()];
  for (let t = 0; t < ticks; t++) {
    await w.step();
    out.push(w.hash());
  }
  return out;
}

describe('World determinism', () => {
  it('same seed gives the same hash at every tick with 1, 2 and 4 workers (and inline); another seed differs', async () => {
    const ticks = 60;
    const inline = await hashes(await make({ workers: 0 }), ticks);
    for (const workers of [1, 2, 4]) {
      const got = await hashes(await make({ workers }), ticks);
      // Compare tick by tick so a failure names the first tick that diverged.
      for (let t = 0; t <= ticks; t++)
        expect(got[t], `seed 11, ${workers} workers, tick ${t}`).toBe(inline[t]);
    }
    const other = await hashes(await make({ workers: 0, seed: 12 }), 3);
    expect(other[3]).not.toBe(inline[3]);
  });

  it('grows zones that run out of capacity mid-tick and stays deterministic', async () => {
    const systems = [
      { use: 'wander', params: { count: 80 } },
      { use: 'test-burst', params: { every: 2, perZone: 150 } },
      { use: 'move' },
    ];
    const small = await make({ workers: 2, plugins: [PLUGIN], systems, initialCapacity: 16 });
    const big = await make({ workers: 0, plugins: [PLUGIN], systems, initialCapacity: 8192 });
    const a = await hashes(small, 20);
    const b = await hashes(big, 20);
    expect(a).toEqual(b);
    expect(small.agents).toBe(80 + 10 * 8 * (150 - 3));
  });
});

describe('World migration', () => {
  it('conserves the entity count and the set of ids while agents cross zone edges', async () => {
    const w = await make({ workers: 2 });
    const ids = (): number[] =>
      w.zones.flatMap((z) => Array.from(z.u32('id').subarray(0, z.count))).sort((a, b) => a - b);
    const before = ids();
    const zoneOf = new Map<number, number>();
    for (const z of w.zones) for (const id of z.u32('id').subarray(0, z.count)) zoneOf.set(id, z.geometry.id);
    for (let t = 0; t < 100; t++) await w.step();
    expect(w.agents).toBe(1600);
    expect(ids()).toEqual(before);
    let moved = 0;
    for (const z of w.zones) {
      const g = z.geometry;
      const x = z.f32('x');
      const y = z.f32('y');
      const id = z.u32('id');
      for (let i = 0; i < z.count; i++) {
        if (zoneOf.get(id[i]) !== g.id) moved++;
        // Every agent sits inside the zone that holds it.
        expect(x[i] >= g.x0 && x[i] < g.x0 + g.widthM && y[i] >= g.y0 && y[i] < g.y0 + g.heightM).toBe(true);
      }
    }
    expect(moved).toBeGreaterThan(50);
  });
});

describe('World inputs', () => {
  it('delivers queued inputs to their zone at the next tick, once, on any worker', async () => {
    const w = await make({
      workers: 2,
      plugins: [PLUGIN],
      systems: [{ use: 'wander', params: { count: 800 } }, { use: 'test-teleport' }],
    });
    const id = w.zones[5].u32('id')[0];
    w.queueInput(5, { kind: 'teleport', entity: id, x: 130, y: 50 });
    const r1 = await w.step();
    expect(r1.events).toEqual([{ tick: 1, zone: 5, kind: 'teleported', entity: id }]);
    const at = w.findEntity(id)!;
    expect(w.zones[at.zone].f32('x')[at.index]).toBe(130);
    const r2 = await w.step();
    expect(r2.events).toEqual([]);
    expect(() => w.queueInput(99, { kind: 'teleport', entity: id })).toThrow(/no zone 99/);
  });
});

describe('World failure', () => {
  for (const workers of [0, 2]) {
    it(`a throwing system leaves the world at the last good tick and names zone and tick (${workers} workers)`, async () => {
      const systems = [
        { use: 'wander', params: { count: 400 } },
        { use: 'test-faulty', params: { zone: 3, tick: 5 } },
        { use: 'move' },
      ];
      const w = await make({ workers, plugins: [PLUGIN], systems });
      for (let t = 0; t < 4; t++) await w.step();
      const good = w.hash();
      const agents = w.agents;
      await expect(w.step()).rejects.toThrow(
        /tick 5 failed in zone 3: Error: boom from test-faulty \(world left at tick 4\)/,
      );
      expect(w.tick).toBe(4);
      expect(w.agents).toBe(agents);
      expect(w.hash()).toBe(good);
      // The fault is deterministic: stepping again fails the same way and changes nothing.
      await expect(w.step()).rejects.toThrow(/zone 3/);
      expect(w.hash()).toBe(good);
    });
  }

  it('a worker that dies mid-zone fails the tick and leaves the world at the last good tick', async () => {
    const systems = [
      { use: 'wander', params: { count: 400 } },
      { use: 'test-crash', params: { zone: 2, tick: 3 } },
      { use: 'move' },
    ];
    const w = await make({ workers: 2, plugins: [PLUGIN], systems });
    for (let t = 0; t < 2; t++) await w.step();
    const good = w.hash();
    await expect(w.step()).rejects.toThrow(
      /tick 3 failed in zone \d+: WorkerError: .*\(world left at tick 2\)/,
    );
    expect(w.tick).toBe(2);
    expect(w.hash()).toBe(good);
    // The pool replaced the lost worker: the retry runs on it (and dies at the same place again).
    await expect(w.step()).rejects.toThrow(/tick 3 failed in zone \d+: WorkerError/);
    expect(w.hash()).toBe(good);
  });
});

describe('World answers', () => {
  it('a zone answer larger than a worker mailbox arrives whole, the same as inline', async () => {
    const systems = [
      { use: 'wander', params: { count: 400 } },
      { use: 'test-chatty', params: { events: 1500 } },
    ];
    const inline = await make({ workers: 0, plugins: [PLUGIN], systems });
    const pooled = await make({ workers: 2, plugins: [PLUGIN], systems });
    for (let t = 0; t < 3; t++) {
      const [a, b] = [await inline.step(), await pooled.step()];
      // 8 zones × 1500 events of ~250 bytes: ~1.5 MB a tick, several times a mailbox per lane.
      expect(b.events.length).toBe(8 * 1500);
      expect(b.events).toEqual(a.events);
    }
    expect(pooled.hash()).toBe(inline.hash());
  });
});

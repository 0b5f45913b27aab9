import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { streamFor } from '../rng/rng.ts';
import { buildGrid } from '../zone/grid.ts';
import { World } from '../world/world.ts';
import {
  applyDelta,
  ClientBaselines,
  encodeDelta,
  interestRect,
  POSITION_SCALE,
  RECORD_BYTES,
  rectCells,
  SnapshotClient,
  ZoneSnapshots,
} from './snapshot.ts';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function world(count = 1000): Promise<World> {
  const w = await World.create({
    seed: 3,
    layout: { zonesX: 1, zonesY: 1, zoneWidthM: 120, zoneHeightM: 120, cellM: 4 },
    systems: [{ use: 'wander', params: { count, speedMps: 1 } }, { use: 'move' }],
  });
  worlds.push(w);
  return w;
}

const origin = (w: World) => () => ({ x0: 0, y0: 0, cellsX: w.zones[0].geometry.cellsX });

// What a client in cells `cells` should see: every live entity in them, positions quantized.
function truth(w: World, cells: number[]): Map<number, { x: number; y: number; hp: number }> {
  const z = w.zones[0];
  const out = new Map<number, { x: number; y: number; hp: number }>();
  for (const c of cells)
    for (let s = z.cellStart[c]; s < z.cellStart[c + 1]; s++) {
      const i = z.order[s];
      out.set(z.u32('id')[i], { x: z.f32('x')[i], y: z.f32('y')[i], hp: z.f32('hp')[i] });
    }
  return out;
}

// Records sorted by id from (id, x, y, hp) tuples.
function records(list: { id: number; x: number; y: number; hp: number }[]): Uint8Array {
  const sorted = [...new Map(list.map((e) => [e.id, e])).values()].sort((a, b) => a.id - b.id);
  const out = new Uint8Array(sorted.length * RECORD_BYTES);
  const dv = new DataView(out.buffer);
  sorted.forEach((e, k) => {
    const at = k * RECORD_BYTES;
    dv.setUint32(at, e.id, true);
    out[at + 4] = 2;
    dv.setUint16(at + 7, e.x, true);
    dv.setUint16(at + 9, e.y, true);
    dv.setUint16(at + 11, e.hp, true);
  });
  return out;
}

describe('snapshots: per-entity deltas', () => {
  const entity = fc.record({
    id: fc.integer({ min: 1, max: 60 }),
    x: fc.integer({ min: 0, max: 65535 }),
    y: fc.integer({ min: 0, max: 65535 }),
    hp: fc.integer({ min: 0, max: 3 }),
  });
  it('applying the delta from any cell to any other gives exactly the new cell', () => {
    fc.assert(
      fc.property(fc.array(entity, { maxLength: 90 }), fc.array(entity, { maxLength: 90 }), (a, b) => {
        const old = records(a);
        const cur = records(b);
        const d = encodeDelta(old, cur);
        expect(applyDelta(old, d.subarray(1))).toEqual(cur);
      }),
      { numRuns: 2000 },
    );
  });

  it('small moves cost 2 bytes per entity, and unchanged runs one byte', () => {
    const base = Array.from({ length: 50 }, (_, k) => ({ id: k + 1, x: 1000 + k, y: 2000, hp: 10 }));
    const moved = base.map((e, k) => (k % 2 ? { ...e, x: e.x + 20, y: e.y - 30 } : e));
    const d = encodeDelta(records(base), records(moved));
    // mode byte + 25 × (keep 1 + move 2)
    expect(d.length).toBe(1 + 25 * 3);
    expect(applyDelta(records(base), d.subarray(1))).toEqual(records(moved));
  });

  it('garbage deltas give an error, never a throw', () => {
    fc.assert(
      fc.property(fc.array(entity, { maxLength: 20 }), fc.uint8Array({ maxLength: 64 }), (a, junk) => {
        const r = applyDelta(records(a), junk);
        expect(typeof r === 'string' || r instanceof Uint8Array).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('snapshots: interest management and shared per-cell deltas', () => {
  it('clients that ack every snapshot, some, or none all reconstruct exactly what is in their area', async () => {
    const w = await world();
    const rng = streamFor(1, 0, 0, 'clients');
    const zone = new ZoneSnapshots(0);
    const clients = Array.from({ length: 6 }, (_, k) => ({
      x: 10 + rng() * 100,
      y: 10 + rng() * 100,
      baselines: new ClientBaselines(),
      client: new SnapshotClient(origin(w)),
      ackEvery: [1, 1, 2, 3, 0, 5][k], // 0: never acks
      bytes: 0,
      full: 0,
    }));
    for (let t = 0; t < 40; t++) {
      await w.step();
      const z = w.zones[0];
      buildGrid(z);
      zone.encodeTick(z, w.tick);
      for (const c of clients) {
        // Clients walk, so their areas of interest move and cells enter and leave.
        c.x = Math.min(115, c.x + 0.7);
        const rect = interestRect(z, c.x, c.y, 4);
        const msg = c.baselines.encode(zone, rect, { self: new Uint8Array([t >> 3]) });
        c.bytes += msg.length;
        if (new DataView(msg.buffer, msg.byteOffset).getUint32(6, true) === 0xffffffff) c.full++;
        const r = c.client.apply(msg);
        if (!r.ok) throw new Error(r.error);
        expect(r.snapshot.self).toEqual(new Uint8Array([t >> 3]));
        if (c.ackEvery > 0 && t % c.ackEvery === 0) c.baselines.ack(w.tick);
        const want = truth(w, rectCells(rect, z.geometry.cellsX));
        expect(new Set(c.client.entities.keys())).toEqual(new Set(want.keys()));
        for (const [id, e] of c.client.entities) {
          expect(Math.abs(e.x - want.get(id)!.x)).toBeLessThanOrEqual(0.5 / POSITION_SCALE + 1e-6);
          expect(Math.abs(e.y - want.get(id)!.y)).toBeLessThanOrEqual(0.5 / POSITION_SCALE + 1e-6);
          expect(e.hp).toBe(Math.ceil(want.get(id)!.hp));
        }
      }
    }
    // The client that never acks gets full snapshots every time; the others only before their first ack.
    expect(clients[4].full).toBe(40);
    for (const c of [clients[0], clients[1], clients[2], clients[3], clients[5]]) expect(c.full).toBe(1);
    // Deltas are much smaller than full snapshots.
    expect(clients[0].bytes * 3).toBeLessThan(clients[4].bytes);
  });

  it('an unchanged area costs a header and a bit per cell once the client has acked', async () => {
    const w = await world();
    const z = w.zones[0];
    buildGrid(z);
    const zone = new ZoneSnapshots(0);
    const b = new ClientBaselines();
    const rect = interestRect(z, 60, 60, 4);
    zone.encodeTick(z, 1);
    const first = b.encode(zone, rect);
    b.ack(1);
    zone.encodeTick(z, 2);
    const second = b.encode(zone, rect);
    expect(second.length).toBe(21 + Math.ceil((rect.w * rect.h) / 8));
    expect(first.length).toBeGreaterThan(second.length * 10);
    // A delta against a baseline the client never saw is refused, not misapplied.
    const lost = new SnapshotClient(origin(w));
    expect(lost.apply(second)).toEqual({ ok: false, error: 'unknown baseline 1' });
  });

  it('random and mutated snapshot frames give an error or a snapshot, never a throw', async () => {
    const w = await world(200);
    const z = w.zones[0];
    const zone = new ZoneSnapshots(0);
    const b = new ClientBaselines();
    const frames: Uint8Array[] = [];
    for (let t = 0; t < 5; t++) {
      await w.step();
      buildGrid(z);
      zone.encodeTick(z, w.tick);
      frames.push(b.encode(zone, interestRect(z, 60, 60, 3), { events: new Uint8Array([1, 2, 3]) }));
      b.ack(w.tick);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.uint8Array({ maxLength: 40 }),
        (k, flips, tail) => {
          const f = new Uint8Array([...frames[k], ...tail]);
          for (const [at, v] of flips) f[at % f.length] = v;
          const c = new SnapshotClient(origin(w));
          for (let p = 0; p < k; p++) c.apply(frames[p]);
          const r = c.apply(f);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

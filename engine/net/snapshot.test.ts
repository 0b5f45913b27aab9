import { afterEach, describe, expect, it } from 'vitest';
import { streamFor } from '../rng/rng.ts';
import { buildGrid } from '../zone/grid.ts';
import { World } from '../world/world.ts';
import { ClientBaselines, encodeCells, interestCells, POSITION_SCALE, SnapshotClient } from './snapshot.ts';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function world(): Promise<World> {
  const w = await World.create({
    seed: 3,
    layout: { zonesX: 1, zonesY: 1, zoneWidthM: 120, zoneHeightM: 120, cellM: 4 },
    systems: [{ use: 'wander', params: { count: 1000, speedMps: 1 } }, { use: 'move' }],
  });
  worlds.push(w);
  return w;
}

// What a client in cells `cells` should see: every live entity in them, positions quantized.
function truth(w: World, cells: number[]): Map<number, { x: number; y: number }> {
  const z = w.zones[0];
  const out = new Map<number, { x: number; y: number }>();
  for (const c of cells)
    for (let s = z.cellStart[c]; s < z.cellStart[c + 1]; s++) {
      const i = z.order[s];
      out.set(z.u32('id')[i], { x: z.f32('x')[i], y: z.f32('y')[i] });
    }
  return out;
}

describe('snapshots: interest management and per-cell deltas', () => {
  it('clients that ack every snapshot, some, or none all reconstruct exactly what is in their area', async () => {
    const w = await world();
    const rng = streamFor(1, 0, 0, 'clients');
    const clients = Array.from({ length: 6 }, (_, k) => ({
      x: 10 + rng() * 100,
      y: 10 + rng() * 100,
      baselines: new ClientBaselines(),
      client: new SnapshotClient(0, 0),
      ackEvery: [1, 1, 2, 3, 0, 5][k], // 0: never acks
      bytes: 0,
      full: 0,
    }));
    for (let t = 0; t < 40; t++) {
      await w.step();
      const z = w.zones[0];
      buildGrid(z);
      const frame = encodeCells(z, w.tick);
      for (const c of clients) {
        const cells = interestCells(z, c.x, c.y, 4);
        const msg = c.baselines.encode(frame, cells);
        c.bytes += msg.length;
        // No baseline (all cells full) exactly when the client has acked nothing yet.
        if (new DataView(msg.buffer).getUint32(4, true) === 0xffffffff) c.full++;
        const r = c.client.apply(msg);
        expect(r.ok).toBe(true);
        if (c.ackEvery > 0 && t % c.ackEvery === 0) c.baselines.ack(w.tick);
        const want = truth(w, cells);
        expect(new Set(c.client.entities.keys())).toEqual(new Set(want.keys()));
        for (const [id, e] of c.client.entities) {
          expect(Math.abs(e.x - want.get(id)!.x)).toBeLessThanOrEqual(0.5 / POSITION_SCALE + 1e-6);
          expect(Math.abs(e.y - want.get(id)!.y)).toBeLessThanOrEqual(0.5 / POSITION_SCALE + 1e-6);
        }
      }
    }
    // The client that never acks gets full snapshots every time; the others only before their first ack.
    expect(clients[4].full).toBe(40);
    for (const c of [clients[0], clients[1], clients[2], clients[3], clients[5]]) expect(c.full).toBe(1);
  });

  it('unchanged cells cost a 5-byte reference once the client has acked', async () => {
    const w = await world();
    const z = w.zones[0];
    buildGrid(z);
    const b = new ClientBaselines();
    const cells = interestCells(z, 60, 60, 4);
    const first = b.encode(encodeCells(z, 1), cells);
    b.ack(1);
    // Nothing moved: the same cells again are all references.
    const second = b.encode(encodeCells(z, 2), cells);
    expect(second.length).toBe(8 + 5 * cells.length);
    expect(first.length).toBeGreaterThan(second.length * 2);
    // A delta against a baseline the client never saw is refused, not misapplied.
    const lost = new SnapshotClient(0, 0);
    expect(lost.apply(second)).toEqual({ ok: false, error: 'unknown baseline 1' });
  });
});

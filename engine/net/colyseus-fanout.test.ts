import { describe, expect, it } from 'vitest';
import { Decoder, Reflection } from '@colyseus/schema';
import {
  ColyseusFanout,
  ColyseusFanoutState,
  type FanoutClient,
  type FanoutEntity,
} from './colyseus-fanout.ts';

// [id, qx, qy, hp, kind] sorted by id: what a client should hold.
type Row = [number, number, number, number, number];

const CLIENTS: FanoutClient[] = [
  { x: 30, y: 30, halfM: 20 },
  { x: 60, y: 55, halfM: 20 },
  { x: 80, y: 15, halfM: 20 },
];

function makeEntities(): FanoutEntity[] {
  return Array.from({ length: 50 }, (_, i) => ({
    id: i + 1,
    // Fractional metres so quantization to 1/16 m is exercised.
    x: 3.37 + (i % 10) * 9.13,
    y: 4.71 + Math.floor(i / 10) * 17.3,
    hp: 10 + i,
    kind: i % 4,
  }));
}

// Fixed pattern, 2 m per tick per axis: entities cross area borders within 5 ticks.
function move(entities: FanoutEntity[], tick: number): void {
  for (const e of entities) {
    e.x += 2 * ((e.id % 3) - 1);
    e.y += 2 * ((Math.floor(e.id / 3) % 3) - 1);
    if ((e.id + tick) % 7 === 0) e.hp -= 1;
  }
}

function expectedRows(c: FanoutClient, entities: readonly FanoutEntity[]): Row[] {
  const rows: Row[] = [];
  for (const e of entities) {
    const qx = Math.round(e.x * 16);
    const qy = Math.round(e.y * 16);
    const half = c.halfM * 16;
    if (Math.abs(qx - c.x * 16) > half || Math.abs(qy - c.y * 16) > half) continue;
    rows.push([e.id, qx, qy, e.hp, e.kind]);
  }
  return rows.sort((a, b) => a[0] - b[0]);
}

function decodedRows(dec: Decoder<ColyseusFanoutState>): Row[] {
  const rows: Row[] = [];
  dec.state.entities?.forEach((e, key) => rows.push([Number(key), e.x, e.y, e.hp, e.kind]));
  return rows.sort((a, b) => a[0] - b[0]);
}

describe('ColyseusFanout', () => {
  it('each client decodes exactly the entities inside its square, at quantized positions', () => {
    const entities = makeEntities();
    const f = new ColyseusFanout(CLIENTS);
    // From-start clients use our class; late joiners rebuild types via Reflection like the JS SDK.
    const fromStart = CLIENTS.map(() => new Decoder(new ColyseusFanoutState()));
    let joined: Decoder<ColyseusFanoutState>[] = [];
    const seenIds = CLIENTS.map(() => new Set<number>());

    for (let tick = 0; tick <= 5; tick++) {
      if (tick > 0) move(entities, tick);
      const sizes = f.tick(entities);
      expect(sizes).toEqual(f.lastPatches.map((p) => p.length));
      CLIENTS.forEach((c, k) => {
        const want = expectedRows(c, entities);
        want.forEach((r) => seenIds[k].add(r[0]));
        fromStart[k].decode(f.lastPatches[k]);
        expect(decodedRows(fromStart[k]), `tick ${tick} client ${k} (from start)`).toEqual(want);
        if (tick > 1) {
          joined[k].decode(f.lastPatches[k]);
          expect(decodedRows(joined[k]), `tick ${tick} client ${k} (joined)`).toEqual(want);
        }
      });
      if (tick === 1) {
        // Join after tick 1: full state through each view, then the following patches.
        const payloads = f.joinPayloads();
        expect(f.joinBytes()).toEqual(payloads.map((p) => p.length));
        joined = payloads.map((p, k) => {
          const dec = Reflection.decode<ColyseusFanoutState>(Reflection.encode(f.encoder));
          dec.decode(p);
          expect(decodedRows(dec), `join client ${k}`).toEqual(expectedRows(CLIENTS[k], entities));
          return dec;
        });
      }
    }

    // Guard against a vacuous pass: every client saw entities, none saw them all, and areas changed.
    for (let k = 0; k < CLIENTS.length; k++) {
      const now = expectedRows(CLIENTS[k], entities).length;
      expect(now).toBeGreaterThan(3);
      expect(now).toBeLessThan(entities.length);
      expect(seenIds[k].size).toBeGreaterThan(now);
    }
  });

  it('sends nothing to a client whose visible entities did not change', () => {
    const f = new ColyseusFanout([
      { x: 10, y: 10, halfM: 5 },
      { x: 50, y: 50, halfM: 5 },
    ]);
    const near = { id: 1, x: 10, y: 10, hp: 3, kind: 1 };
    const far = { id: 2, x: 50, y: 50, hp: 3, kind: 1 };
    expect(f.tick([near, far]).every((n) => n > 0)).toBe(true);
    near.x += 1;
    expect(f.tick([near, far])).toEqual([expect.any(Number), 0]);
    expect(f.lastPatches[0].length).toBeGreaterThan(0);
    near.x += 0.01; // same 1/16 m quantum
    expect(f.tick([near, far])).toEqual([0, 0]);
  });

  it('removes an entity dropped from the tick list from the clients that saw it', () => {
    const f = new ColyseusFanout([{ x: 10, y: 10, halfM: 5 }]);
    const dec = new Decoder(new ColyseusFanoutState());
    const a = { id: 1, x: 10, y: 10, hp: 3, kind: 1 };
    const b = { id: 2, x: 11, y: 9, hp: 4, kind: 2 };
    f.tick([a, b]);
    dec.decode(f.lastPatches[0]);
    expect(decodedRows(dec).map((r) => r[0])).toEqual([1, 2]);
    f.tick([b]);
    dec.decode(f.lastPatches[0]);
    expect(decodedRows(dec)).toEqual([[2, 176, 144, 4, 2]]);
  });
});

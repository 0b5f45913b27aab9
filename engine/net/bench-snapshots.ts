// Snapshot benchmark: `node --import tsx engine/net/bench-snapshots.ts [--ticks N] [--no-stateview]` —
// 1,000 moving entities on a 200 m × 200 m zone, 200 clients each seeing about 100 of them, 20 Hz.
// Prints the encode + fan-out cost per tick and the bytes each client receives, for our snapshot encoder
// and, side by side on the same world and the same areas of interest, for @colyseus/schema StateView
// (one shared state with a `.view()` map, one StateView per client), with the ratio of the two.
import { parseArgs } from 'node:util';
import { streamFor } from '../rng/rng.ts';
import { buildGrid } from '../zone/grid.ts';
import { World } from '../world/world.ts';
import { ColyseusFanout, type FanoutClient, type FanoutEntity } from './colyseus-fanout.ts';
import { ClientBaselines, interestRect, SnapshotClient, ZoneSnapshots } from './snapshot.ts';

const { values: opts } = parseArgs({
  options: {
    ticks: { type: 'string', default: '400' },
    clients: { type: 'string', default: '200' },
    'no-stateview': { type: 'boolean', default: false },
  },
});
const ticks = Number(opts.ticks);
const nClients = Number(opts.clients);
const withStateView = !opts['no-stateview'];

const cellM = 9;
const w = await World.create({
  seed: 1,
  layout: { zonesX: 1, zonesY: 1, zoneWidthM: 200, zoneHeightM: 200, cellM },
  systems: [{ use: 'wander', params: { count: 1000, speedMps: 1.5 } }, { use: 'move' }],
});
const rng = streamFor(1, 0, 0, 'bench-clients');
// An area of interest of 7 × 7 cells of 9 m (63 m square) holds about 1000 × 63² / 200² ≈ 100 entities.
// Clients stand 40–160 m in so that no area is clipped by the zone edge (both encoders see full squares).
const radiusCells = 3;
const z0 = w.zones[0];
const clients = Array.from({ length: nClients }, () => {
  const x = 40 + rng() * 120;
  const y = 40 + rng() * 120;
  const rect = interestRect(z0, x, y, radiusCells);
  const g = z0.geometry;
  // StateView gets the same square: the centre and half side of the cell rectangle.
  const sv: FanoutClient = {
    x: g.x0 + (rect.cx0 + rect.w / 2) * cellM,
    y: g.y0 + (rect.cy0 + rect.h / 2) * cellM,
    halfM: (rect.w / 2) * cellM,
  };
  return {
    rect,
    sv,
    b: new ClientBaselines(),
    c: new SnapshotClient(() => ({ x0: 0, y0: 0, cellsX: g.cellsX })),
    bytes: 0,
    svBytes: 0,
  };
});
const colyseus = withStateView ? new ColyseusFanout(clients.map((cl) => cl.sv)) : undefined;

const times: number[] = [];
const svTimes: number[] = [];
let joinBytes = 0;
let svJoinBytes = 0;
const zone = new ZoneSnapshots(0);
let visible = 0;
let svVisible = 0;
const started = performance.now();
for (let t = 0; t < ticks; t++) {
  await w.step();
  const z = w.zones[0];
  const t0 = performance.now();
  buildGrid(z);
  zone.encodeTick(z, w.tick);
  const msgs: Uint8Array[] = [];
  for (const cl of clients) msgs.push(cl.b.encode(zone, cl.rect));
  times.push(performance.now() - t0);
  clients.forEach((cl, k) => {
    if (t === 0) joinBytes += msgs[k].length;
    cl.bytes += msgs[k].length;
    cl.c.apply(msgs[k]);
    // The game client acks every second snapshot; the server sees the ack about one round trip later.
    // Here: acks of even ticks, applied a tick later (a 50 ms round trip).
    if (w.tick % 2 === 1) cl.b.ack(w.tick - 1);
  });
  if (t === ticks - 1) visible = clients.reduce((s, cl) => s + cl.c.entities.size, 0) / clients.length;

  if (colyseus) {
    // The state a Colyseus room would hold: the same entities, id, position, hp and kind.
    const id = z.u32('id');
    const kind = z.u8('kind');
    const x = z.f32('x');
    const y = z.f32('y');
    const hp = z.f32('hp');
    const entities: FanoutEntity[] = new Array<FanoutEntity>(z.count);
    for (let i = 0; i < z.count; i++)
      entities[i] = { id: id[i], kind: kind[i], x: x[i], y: y[i], hp: Math.round(hp[i]) };
    const t1 = performance.now();
    const sizes = colyseus.tick(entities);
    svTimes.push(performance.now() - t1);
    for (let k = 0; k < sizes.length; k++) {
      if (t === 0) svJoinBytes += sizes[k];
      clients[k].svBytes += sizes[k];
    }
    if (t === ticks - 1) svVisible = colyseus.visibleCounts().reduce((s, n) => s + n, 0) / clients.length;
  }
  if (process.stderr.isTTY && t % 20 === 19)
    process.stderr.write(`\rtick ${t + 1}/${ticks} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
await w.close();

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(s.length * p))].toFixed(3);
};
const seconds = ticks / 20;
const perClientPerSec = (sum: number): number => Math.round(sum / clients.length / seconds);
const out: Record<string, unknown> = {
  entities: 1000,
  clients: clients.length,
  visiblePerClient: Math.round(visible),
  encodeFanoutMs: { p50: pct(times, 0.5), p95: pct(times, 0.95), mean: +mean(times).toFixed(3) },
  bytesPerClientPerSec: perClientPerSec(clients.reduce((s, cl) => s + cl.bytes, 0)),
  joinSnapshotBytes: Math.round(joinBytes / clients.length),
};
if (colyseus) {
  out.stateView = {
    visiblePerClient: Math.round(svVisible),
    encodeFanoutMs: { p50: pct(svTimes, 0.5), p95: pct(svTimes, 0.95), mean: +mean(svTimes).toFixed(3) },
    bytesPerClientPerSec: perClientPerSec(clients.reduce((s, cl) => s + cl.svBytes, 0)),
    joinSnapshotBytes: Math.round(svJoinBytes / clients.length),
  };
  out.stateViewOverOurs = {
    p50: +(pct(svTimes, 0.5) / pct(times, 0.5)).toFixed(2),
    mean: +(mean(svTimes) / mean(times)).toFixed(2),
  };
}
console.log(JSON.stringify(out));

function mean(xs: number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

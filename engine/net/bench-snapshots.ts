// Snapshot benchmark: `node --import tsx engine/net/bench-snapshots.ts` — 1,000 moving entities on a
// 200 m × 200 m zone, 200 clients each seeing about 100 of them, 20 Hz. Prints the encode + fan-out cost
// per tick and the bytes each client receives.
import { streamFor } from '../rng/rng.ts';
import { buildGrid } from '../zone/grid.ts';
import { World } from '../world/world.ts';
import { ClientBaselines, interestRect, SnapshotClient, ZoneSnapshots } from './snapshot.ts';

const w = await World.create({
  seed: 1,
  layout: { zonesX: 1, zonesY: 1, zoneWidthM: 200, zoneHeightM: 200, cellM: 9 },
  systems: [{ use: 'wander', params: { count: 1000, speedMps: 1.5 } }, { use: 'move' }],
});
const rng = streamFor(1, 0, 0, 'bench-clients');
// An area of interest of 7 × 7 cells of 9 m (63 m square) holds about 1000 × 63² / 200² ≈ 100 entities.
const radiusCells = 3;
const clients = Array.from({ length: 200 }, () => ({
  x: 20 + rng() * 160,
  y: 20 + rng() * 160,
  b: new ClientBaselines(),
  c: new SnapshotClient(() => ({ x0: 0, y0: 0, cellsX: 23 })),
  bytes: 0,
}));
const ticks = 400;
const times: number[] = [];
let joinBytes = 0;
const zone = new ZoneSnapshots(0);
let visible = 0;
for (let t = 0; t < ticks; t++) {
  await w.step();
  const z = w.zones[0];
  const t0 = performance.now();
  buildGrid(z);
  zone.encodeTick(z, w.tick);
  const msgs: Uint8Array[] = [];
  for (const cl of clients) msgs.push(cl.b.encode(zone, interestRect(z, cl.x, cl.y, radiusCells)));
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
}
await w.close();
times.sort((a, b) => a - b);
const seconds = ticks / 20;
const out = {
  entities: 1000,
  clients: clients.length,
  visiblePerClient: Math.round(visible),
  encodeFanoutMs: { p50: +times[ticks >> 1].toFixed(3), p95: +times[Math.floor(ticks * 0.95)].toFixed(3) },
  bytesPerClientPerSec: Math.round(clients.reduce((s, cl) => s + cl.bytes, 0) / clients.length / seconds),
  joinSnapshotBytes: Math.round(joinBytes / clients.length),
};
console.log(JSON.stringify(out));

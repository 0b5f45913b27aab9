// Ingest benchmark: `node --import tsx lab/results/bench-ingest.ts [rows]` appends metric rows through the
// run writer (the same path a run records through) and prints rows per second.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricSample } from '../../engine/world/system.ts';
import { RunWriter } from './run-writer.ts';

const rows = Number(process.argv[2] ?? 5_000_000);
const dir = mkdtempSync(join(tmpdir(), 'arcane-ingest-'));
const species = ['sheep', 'wolf', 'deer', 'fox'];
const keys = [
  'count',
  'births',
  'deaths.starvation',
  'deaths.age',
  'deaths.predation',
  'trait.speed.mean',
  'trait.speed.var',
  'heterozygosity',
];
const perTick = 8 * species.length * keys.length; // 8 zones
const ticks = Math.ceil(rows / perTick);
// Build the reports first: the benchmark times recording, not the simulation.
const reports = Array.from({ length: Math.min(ticks, 200) }, (_, t) => {
  const metrics: MetricSample[] = [];
  for (let zone = 0; zone < 8; zone++)
    for (const s of species)
      for (const key of keys)
        metrics.push({ tick: t + 1, zone, species: s, key, value: (t * 7 + zone) % 101 });
  return { tick: t + 1, events: [], metrics };
});
const w = await RunWriter.open(
  dir,
  { runId: 'ingest', scenario: 'ingest', scenarioJson: {}, params: {}, seed: 1 },
  { flushMs: 60_000, maxBufferedRows: 1_000_000 },
);
const t0 = performance.now();
for (let t = 0; t < ticks; t++) {
  const r = reports[t % reports.length];
  await w.tick({ ...r, tick: t + 1 }, { durationMs: 1, agents: 1000, bytesOut: 0 });
}
await w.finish('finished', null);
const s = (performance.now() - t0) / 1000;
const n = ticks * perTick;
console.log(JSON.stringify({ rows: n, seconds: Math.round(s * 1000) / 1000, rowsPerSec: Math.round(n / s) }));
rmSync(dir, { recursive: true, force: true });

// Ingest benchmark: `node --import tsx lab/store/bench-ingest.ts [rows] [--json]` records metric rows
// through a Recorder (record() per row, flushIfDue() per tick, close() at the end: segments written,
// merged and visible) and prints rows per second. Default 5,000,000 rows: 8 zones × 4 species × 8 keys
// per tick, like an ecosystem run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveSegments, runDir } from './layout.ts';
import { Recorder } from './recorder.ts';
import type { MetricRow } from './recorder.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 5_000_000);
const species = ['sheep', 'wolf', 'deer', 'fox'];
const keys = [
  'count',
  'births',
  'deaths.starvation',
  'deaths.age',
  'deaths.predation',
  'heterozygosity',
  'trait.speed.mean',
  'trait.speed.var',
];
const zones = 8;
const perTick = zones * species.length * keys.length;
const ticks = Math.ceil(rows / perTick);
// The samples of one tick are built up front: the benchmark times recording, not making objects.
const template: MetricRow[] = [];
for (let zone = 0; zone < zones; zone++)
  for (const s of species)
    for (const key of keys) template.push({ tick: 0, zone, species: s, key, value: 0 });

const root = mkdtempSync(join(tmpdir(), 'arcane-ingest-'));
try {
  const t0 = performance.now();
  const rec = await Recorder.open({ root, run: { runId: 'ingest', scenario: 'bench', seed: 1 } });
  let n = 0;
  for (let t = 1; t <= ticks; t++) {
    for (let i = 0; i < template.length && n < rows; i++, n++) {
      const m = template[i];
      m.tick = t;
      m.value = (t * 7 + i) % 101;
      rec.record(m);
    }
    rec.recordTick({ tick: t, durationMs: 1, agents: 1000 });
    await rec.flushIfDue();
  }
  const tClose = performance.now();
  await rec.close('finished', 'bench');
  const closeSeconds = Math.round(performance.now() - tClose) / 1000;
  const seconds = (performance.now() - t0) / 1000;
  const segments = liveSegments(runDir(root, 'ingest'), 'metrics').length;
  const out = {
    rows: n,
    seconds: Math.round(seconds * 1000) / 1000,
    rowsPerSec: Math.round(n / seconds),
    closeSeconds,
    segments,
  };
  console.log(
    json
      ? JSON.stringify(out)
      : `${n.toLocaleString('en')} metric rows in ${out.seconds} s → ${out.rowsPerSec.toLocaleString('en')} rows/s (close incl. final merge ${closeSeconds} s; ${segments} segment file(s))`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}

// Read benchmark: `node --import tsx lab/store/bench-read.ts [runs] [ticks] [--json]` records a sweep-sized
// results directory (default 64 runs × 500 ticks × 64 metric rows, one flush per 50 ticks), then times what
// the CLI and the web lab do: opening a reader (scan + views), refreshing with nothing new, a query over one
// run, an aggregate over every run, and a refresh + query while one more run is being recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsReader } from './reader.ts';
import { Recorder } from './recorder.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const [runs = 64, ticks = 500] = args.filter((a) => /^\d+$/.test(a)).map(Number);
const species = ['sheep', 'wolf', 'deer', 'fox'];
const keys = ['count', 'births', 'deaths.age', 'deaths.predation'];
const zones = 4;

async function record(root: string, runId: string, ticksToRecord: number, live = false): Promise<Recorder> {
  const rec = await Recorder.open({
    root,
    run: {
      runId,
      scenario: 'bench',
      seed: 1,
      sweepId: 'bench',
      params: { 'species.wolf.caps.cellHard': runId.length },
    },
    flushMs: live ? 0 : 3_600_000,
  });
  for (let tick = 1; tick <= ticksToRecord; tick++) {
    for (let zone = 0; zone < zones; zone++)
      for (const s of species)
        for (const key of keys) rec.record({ tick, zone, species: s, key, value: tick % 97 });
    rec.recordTick({ tick, durationMs: 1 + (tick % 7), agents: 1000 });
    if (tick % 50 === 0) await rec.flush();
  }
  return rec;
}

const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const v = await fn();
  return [Math.round((performance.now() - t0) * 10) / 10, v];
};

const root = mkdtempSync(join(tmpdir(), 'arcane-read-'));
try {
  for (let i = 0; i < runs; i++)
    await (await record(root, `run-${String(i).padStart(3, '0')}`, ticks)).close('finished');
  const [openMs, reader] = await time(() => ResultsReader.open(root));
  const [refreshMs] = await time(() => reader.refresh());
  const [oneRunMs] = await time(() =>
    reader.query(
      `SELECT tick, species, sum(value) FROM metrics WHERE run_id = 'run-007' AND key = 'count' GROUP BY ALL`,
    ),
  );
  const [allRunsMs, all] = await time(() =>
    reader.query(`SELECT run_id, quantile_cont(duration_ms, 0.99) FROM ticks GROUP BY run_id`),
  );
  const live = await record(root, 'live', 100, true);
  const [liveMs] = await time(() => reader.query(`SELECT count(*) FROM metrics WHERE run_id = 'live'`));
  await live.close('finished');
  reader.close();
  const out = {
    runs,
    metricRows: runs * ticks * zones * species.length * keys.length,
    openMs,
    refreshUnchangedMs: refreshMs,
    queryOneRunMs: oneRunMs,
    queryAllRunsMs: allRunsMs,
    refreshAndQueryWhileRecordingMs: liveMs,
    allRunsRows: all.rows.length,
  };
  if (json) console.log(JSON.stringify(out));
  else for (const [k, v] of Object.entries(out)) console.log(`${k.padEnd(34)} ${v}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

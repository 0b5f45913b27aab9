// Recording overhead: `node --import tsx lab/runner/bench-recording.ts [scenario] [runs]` runs the same
// scenario and seeds with and without recording (interleaved, so drift hits both) and prints the ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.ts';
import { runScenario } from './run.ts';
import { NULL_SINK, openSink } from './sinks.ts';

const file = process.argv[2] ?? 'scenarios/wolf-sheep-grass.yaml';
const runs = Number(process.argv[3] ?? 10);
const scenario = await loadScenario(file);
const dir = mkdtempSync(join(tmpdir(), 'arcane-rec-'));
let plain = 0;
let recorded = 0;
for (let r = 0; r < runs + 1; r++) {
  const seed = r + 1;
  let t0 = performance.now();
  await runScenario({ scenario, seed, sink: NULL_SINK });
  const a = performance.now() - t0;
  t0 = performance.now();
  const sink = await openSink(
    { kind: 'duckdb', dir },
    {
      runId: `rec-${r}`,
      scenario: scenario.name,
      scenarioJson: scenario,
      params: {},
      seed,
    },
  );
  await runScenario({ scenario, seed, sink });
  const b = performance.now() - t0;
  // The first pair warms the JIT and DuckDB up.
  if (r > 0) {
    plain += a;
    recorded += b;
  }
}
console.log(
  JSON.stringify({
    scenario: scenario.name,
    ticks: scenario.ticks,
    runs,
    msPerRunPlain: Math.round(plain / runs),
    msPerRunRecorded: Math.round(recorded / runs),
    overheadPct: Math.round((recorded / plain - 1) * 1000) / 10,
  }),
);
rmSync(dir, { recursive: true, force: true });

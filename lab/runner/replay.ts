import { parseScenario } from '../scenario/load.ts';
import '../scenario/to-world.ts';
import { ResultsReader } from '../store/index.ts';
import { runScenario } from './run.ts';
import type { RunSink } from './sink.ts';

/** What a replay found: every recorded hash compared with the re-run's hash at the same tick. */
export interface ReplayReport {
  runId: string;
  checked: number;
  mismatches: Array<{ tick: number; recorded: string; replayed: string }>;
  ticks: number;
  ok: boolean;
}

/** Re-runs a recorded run exactly (its stored scenario and seed) and checks every recorded world hash. */
export async function replayRun(
  dir: string,
  runId: string,
  onProgress?: (tick: number, ticks: number) => void,
): Promise<ReplayReport> {
  const reader = await ResultsReader.open(dir, { autoRefresh: false });
  let data;
  try {
    data = await reader.replayData(runId);
  } finally {
    reader.close();
  }
  // JSON is YAML: the stored scenario goes through the same validation as a file.
  const scenario = parseScenario(JSON.stringify(data.scenarioJson), { file: `run ${runId}` });
  const hashes = data.hashes;
  const ticks = Math.max(0, ...hashes.keys());
  const mismatches: ReplayReport['mismatches'] = [];
  let checked = 0;
  const verifier: RunSink = {
    tick() {},
    hash(tick, h) {
      const recorded = hashes.get(tick);
      if (recorded === undefined) return;
      checked++;
      if (recorded !== h) mismatches.push({ tick, recorded, replayed: h });
    },
    async finish() {},
  };
  const seed = /^\d+$/.test(data.seed) ? Number(data.seed) : data.seed;
  await runScenario({
    scenario,
    seed,
    ticks,
    sink: verifier,
    hashEveryTicks: 1,
    onProgress: (p) => onProgress?.(p.tick, p.ticks),
  });
  return { runId, checked, mismatches, ticks, ok: mismatches.length === 0 && checked === hashes.size };
}

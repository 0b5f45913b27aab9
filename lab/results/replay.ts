import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseScenario } from '../scenario/load.ts';
import '../scenario/to-world.ts';
import { runScenario } from '../runner/run.ts';
import type { RunSink } from '../runner/sink.ts';
import { runFilePath } from './run-writer.ts';
import { DUCKDB_OPTIONS } from './schema.ts';

/** What a replay found: every recorded hash compared with the re-run's hash at the same tick. */
export interface ReplayReport {
  runId: string;
  checked: number;
  mismatches: Array<{ tick: number; recorded: string; replayed: string }>;
  ticks: number;
  ok: boolean;
}

/** A run's stored scenario, seed and hashes, read from its file. */
export async function readRunForReplay(
  dir: string,
  runId: string,
): Promise<{ scenarioJson: unknown; seed: string; hashes: Map<number, string> }> {
  const path = runFilePath(dir, runId);
  if (!existsSync(path)) throw new Error(`no run '${runId}' in ${dir} (looked for ${path})`);
  const inst = await DuckDBInstance.create(path, { ...DUCKDB_OPTIONS, access_mode: 'READ_ONLY' });
  const con = await inst.connect();
  try {
    const run = (await con.runAndReadAll('SELECT scenario_json, seed FROM run')).getRowsJS()[0];
    if (!run) throw new Error(`run '${runId}' has no run row`);
    const hashes = new Map<number, string>();
    for (const [tick, h] of (
      await con.runAndReadAll('SELECT tick, world_hash FROM hash_rows ORDER BY tick')
    ).getRowsJS())
      hashes.set(Number(tick), String(h));
    return { scenarioJson: JSON.parse(String(run[0])), seed: String(run[1]), hashes };
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

/** Re-runs a recorded run exactly (its stored scenario and seed) and checks every recorded world hash. */
export async function replayRun(
  dir: string,
  runId: string,
  onProgress?: (tick: number, ticks: number) => void,
): Promise<ReplayReport> {
  const { scenarioJson, seed, hashes } = await readRunForReplay(dir, runId);
  // JSON is YAML: the stored scenario goes through the same validation as a file.
  const scenario = parseScenario(JSON.stringify(scenarioJson), { file: `run ${runId}` });
  const ticks = Math.max(0, ...hashes.keys());
  const mismatches: ReplayReport['mismatches'] = [];
  let checked = 0;
  const check = (tick: number, h: string): void => {
    const recorded = hashes.get(tick);
    if (recorded === undefined) return;
    checked++;
    if (recorded !== h) mismatches.push({ tick, recorded, replayed: h });
  };
  const verifier: RunSink = { tick() {}, hash: check, async finish() {} };
  const numericSeed = /^\d+$/.test(seed) ? Number(seed) : seed;
  await runScenario({
    scenario,
    seed: numericSeed,
    ticks,
    sink: verifier,
    hashEveryTicks: 1,
    onProgress: (p) => onProgress?.(p.tick, p.ticks),
  });
  return { runId, checked, mismatches, ticks, ok: mismatches.length === 0 && checked === hashes.size };
}

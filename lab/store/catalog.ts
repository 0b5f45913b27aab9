import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { liveSegments, runDir, runsDir, RUN_ID_PATTERN } from './layout.ts';
import type { RunDoc } from './layout.ts';
import { POINT_TABLE_NAMES, RUN_STATUS } from './schema.ts';
import type { PointTable, RunStatus } from './schema.ts';

/** One run as found on disk: its run.json (status as readers should see it) and its live segments. */
export interface RunEntry {
  runId: string;
  dir: string;
  doc: RunDoc;
  /** `doc.status`, except a `running` run whose writer process is gone shows as `failed`. */
  status: RunStatus;
  /** Why the run failed, including "the recorder's process is gone". */
  error: string | null;
  /** Live Parquet segments per table, in flush order. */
  files: Record<PointTable, string[]>;
}

/** Ids of the runs in a results directory, sorted. */
export function listRunIds(root: string): string[] {
  try {
    return readdirSync(runsDir(root))
      .filter((d) => RUN_ID_PATTERN.test(d))
      .sort();
  } catch {
    return [];
  }
}

/** Reads one run's run.json and lists its live segments (null if it is not a run directory). */
export function readRun(root: string, runId: string): RunEntry | null {
  const dir = runDir(root, runId);
  let doc: RunDoc;
  try {
    doc = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunDoc;
  } catch {
    return null;
  }
  // run.json first, then the segments: a segment listed is never older than the progress it reports.
  const files = {} as Record<PointTable, string[]>;
  for (const t of POINT_TABLE_NAMES) files[t] = liveSegments(dir, t).map((s) => s.path);
  let status = doc.status;
  let error = doc.error;
  if (status === RUN_STATUS.running && !writerAlive(doc.writer)) {
    status = RUN_STATUS.failed;
    error = `the recorder's process (pid ${doc.writer.pid}) ended without closing the run`;
  }
  return { runId, dir, doc, status, error, files };
}

/** Every run of a results directory (see `readRun`). */
export function listRuns(root: string): RunEntry[] {
  const out: RunEntry[] = [];
  for (const id of listRunIds(root)) {
    const r = readRun(root, id);
    if (r) out.push(r);
  }
  return out;
}

/** Reads the scenario a run used (null if none was recorded). */
export function readScenarioJson(root: string, runId: string): unknown {
  try {
    return JSON.parse(readFileSync(join(runDir(root, runId), 'scenario.json'), 'utf8')) as unknown;
  } catch {
    return null;
  }
}

// A writer on another host cannot be checked: trust its run.json.
function writerAlive(w: RunDoc['writer'] | undefined): boolean {
  if (!w || w.host !== hostname()) return true;
  try {
    process.kill(w.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

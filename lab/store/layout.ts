import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PointTable, RunStatus } from './schema.ts';

/**
 * On-disk layout of a results directory (`root`, `data/` by default):
 *
 *   <root>/runs/<run_id>/run.json            the run's row of `runs` (rewritten atomically on every flush)
 *   <root>/runs/<run_id>/scenario.json       the scenario the run used (written once)
 *   <root>/runs/<run_id>/<table>/<a>-<b>.parquet   immutable segments covering flushes a..b
 *
 * Segments are written as `*.tmp` and renamed, so a reader never sees half a file. A merged segment
 * `<a>-<b>` replaces the segments inside its range; readers take the widest segments that do not overlap,
 * so a crash between a merge and the deletion of what it merged never counts a row twice.
 */

/** The run.json document: a run's metadata, status and progress. */
export interface RunDoc {
  format: 1;
  run_id: string;
  scenario: string;
  sweep_id: string | null;
  params: Record<string, unknown>;
  seed: string;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  world_hash: string | null;
  error: string | null;
  last_tick: number | null;
  /** Who is writing: lets readers tell a run in progress from one whose process died. */
  writer: { pid: number; host: string };
}

/** Run ids become directory names: letters, digits, `.`, `_`, `-`, at most 128 characters. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws unless `runId` is safe as a directory name. */
export function checkRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId) || runId.includes('..'))
    throw new Error(
      `invalid run id '${runId}': use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)`,
    );
}

/** Where the runs of a results directory live. */
export function runsDir(root: string): string {
  return join(root, 'runs');
}

/** The directory of one run. */
export function runDir(root: string, runId: string): string {
  return join(runsDir(root), runId);
}

/** A segment covering flushes `from..to` (inclusive). */
export interface Segment {
  from: number;
  to: number;
  path: string;
}

const SEGMENT_RE = /^(\d+)-(\d+)\.parquet$/;

/** The file name of a segment covering flushes `from..to`. */
export function segmentName(from: number, to: number): string {
  return `${String(from).padStart(6, '0')}-${String(to).padStart(6, '0')}.parquet`;
}

/**
 * The live segments of one table of a run: the widest segments that do not overlap, in flush order.
 * Merged segments contain whole earlier segments, so ranges are nested or disjoint.
 */
export function liveSegments(dir: string, table: PointTable): Segment[] {
  const tdir = join(dir, table);
  let names: string[];
  try {
    names = readdirSync(tdir);
  } catch {
    return [];
  }
  const all: Segment[] = [];
  for (const n of names) {
    const m = SEGMENT_RE.exec(n);
    if (m) all.push({ from: Number(m[1]), to: Number(m[2]), path: join(tdir, n) });
  }
  all.sort((a, b) => a.from - b.from || b.to - a.to);
  const out: Segment[] = [];
  let covered = 0;
  for (const s of all)
    if (s.from > covered) {
      out.push(s);
      covered = s.to;
    }
  return out;
}

/** Writes a file so readers see the old content or the new, never a mix (write aside, then rename). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

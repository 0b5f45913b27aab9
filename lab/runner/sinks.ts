import type { RunMeta, RunSink } from './sink.ts';

/** Where a run records: nowhere, or a DuckDB results directory. */
export type SinkTarget = { kind: 'none' } | { kind: 'duckdb'; dir: string };

/** Opens the sink for a run. */
export async function openSink(target: SinkTarget, meta: RunMeta): Promise<RunSink> {
  if (target.kind === 'none') return NULL_SINK;
  const { openDuckDbSink } = await import('./duckdb-sink.ts');
  return openDuckDbSink(target.dir, meta);
}

/** A sink that records nothing (benchmarks, `--no-record`). */
export const NULL_SINK: RunSink = {
  tick() {},
  hash() {},
  async finish() {},
};

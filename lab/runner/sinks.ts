import type { RunMeta, RunSink } from './sink.ts';

/** Where a run records: nowhere, or a results directory (`<dir>/runs/<run_id>/`, Parquet segments). */
export type SinkTarget = { kind: 'none' } | { kind: 'duckdb'; dir: string };

/** Opens the sink for a run. */
export async function openSink(target: SinkTarget, meta: RunMeta): Promise<RunSink> {
  if (target.kind === 'none') return NULL_SINK;
  // Loaded on demand: DuckDB's bindings cost ~0.1 s per thread, which runs that record nothing skip.
  const { Recorder, recorderSink } = await import('../store/index.ts');
  const rec = await Recorder.open({
    root: target.dir,
    run: {
      runId: meta.runId,
      scenario: meta.scenario,
      params: meta.params,
      seed: meta.seed,
      scenarioJson: meta.scenarioJson,
      sweepId: meta.sweepId ?? null,
    },
  });
  return recorderSink(rec);
}

/** A sink that records nothing (benchmarks, `--no-record`). */
export const NULL_SINK: RunSink = {
  tick() {},
  hash() {},
  async finish() {},
};

import type * as RecorderModule from '../store/recorder.ts';
import type * as RunSinkModule from '../store/run-sink.ts';
import type { RunMeta, RunSink } from './sink.ts';

/** Where a run records: nowhere, or a results directory (`<dir>/runs/<run_id>/`, Parquet segments). */
export type SinkTarget = { kind: 'none' } | { kind: 'duckdb'; dir: string };

let recorderModules: Promise<[typeof RecorderModule, typeof RunSinkModule]> | null = null;

/** Opens the sink for a run. */
export async function openSink(target: SinkTarget, meta: RunMeta): Promise<RunSink> {
  if (target.kind === 'none') return NULL_SINK;
  // Loaded on demand (the recorder alone: the reader would load DuckDB, ~0.1 s per thread, which the recorder
  // only loads for big batches and merges).
  // Imported once: each import() goes through the module loader (with tsx, a round trip to its thread).
  recorderModules ??= Promise.all([import('../store/recorder.ts'), import('../store/run-sink.ts')]);
  const [{ Recorder }, { recorderSink }] = await recorderModules;
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

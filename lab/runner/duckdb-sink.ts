import { openRunWriter } from '../results/run-writer.ts';
import type { RunMeta, RunSink } from './sink.ts';

/** Opens the DuckDB recorder of a run: its own file under `<dir>/runs/`. */
export function openDuckDbSink(dir: string, meta: RunMeta): Promise<RunSink> {
  return openRunWriter(dir, meta);
}

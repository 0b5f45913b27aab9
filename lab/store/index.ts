/** The lab's results store: recording runs, reading them while they run, exporting them. */
export { Recorder, openRecorder, nestParams } from './recorder.ts';
export type {
  RecorderOptions,
  RunInfo,
  MetricRow,
  GeneRow,
  EventRow,
  TickRow,
  TickReportLike,
} from './recorder.ts';
export { recorderSink } from './run-sink.ts';
export type { RecorderSink, TickFiguresLike } from './run-sink.ts';
export { ResultsReader, openReader, queryResults, QueryError } from './reader.ts';
export type {
  QueryOptions,
  QueryResult,
  ExportFormat,
  ExportOptions,
  ExportResult,
  ReaderOptions,
  ReplayData,
} from './reader.ts';
export { listRuns, listRunIds, readRun, readScenarioJson } from './catalog.ts';
export type { RunEntry } from './catalog.ts';
export { checkReadOnlySql, ALLOWED_TABLE_FUNCTIONS } from './guard.ts';
export { runDir, runsDir, checkRunId } from './layout.ts';
export { RUN_STATUS, POINT_TABLES, RUNS_COLUMNS, RESULT_TABLES } from './schema.ts';
export type { RunStatus, FinalStatus, PointTable } from './schema.ts';

import type { TickReport } from '../../engine/world/world.ts';

/** How a run ended. */
export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed';

/** What a run records about itself when it starts (stored once per run, never per row). */
export interface RunMeta {
  runId: string;
  scenario: string;
  /** The validated scenario, so a replay never depends on the file having stayed the same. */
  scenarioJson: unknown;
  /** The overrides this run used (`path → value`), and the seed. */
  params: Record<string, unknown>;
  seed: number | string;
  /** The sweep this run belongs to (all its runs share it). */
  sweepId?: string;
}

/** Per-tick figures a runner hands to its sink along with the tick's report. */
export interface TickFigures {
  durationMs: number;
  agents: number;
  bytesOut: number;
}

/** Where a run's results go (the DuckDB recorder, or nothing). */
export interface RunSink {
  tick(report: TickReport, figures: TickFigures): void | Promise<void>;
  hash(tick: number, worldHash: string): void | Promise<void>;
  /** Flushes and closes; `worldHash` is the last tick's (null when the run failed before any tick). */
  finish(status: Exclude<RunStatus, 'running'>, worldHash: string | null, error?: string): Promise<void>;
}

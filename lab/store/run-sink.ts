import type { Recorder, TickReportLike } from './recorder.ts';
import type { FinalStatus } from './schema.ts';

/** Per-tick figures a runner measures (structurally the runner's `TickFigures`). */
export interface TickFiguresLike {
  durationMs: number;
  agents: number;
  bytesOut: number;
  clients?: number;
  late?: boolean;
}

/** The runner's sink interface (structurally `RunSink` of lab/runner/sink.ts). */
export interface RecorderSink {
  tick(report: TickReportLike, figures: TickFiguresLike): Promise<void>;
  hash(tick: number, worldHash: string): void;
  finish(status: FinalStatus, worldHash: string | null, error?: string): Promise<void>;
}

/**
 * Adapts a recorder to the runner's sink: each tick's report (metrics, allele frequencies, events) and
 * figures are buffered, and a flush starts when one is due.
 */
export function recorderSink(rec: Recorder): RecorderSink {
  return {
    tick(report, f) {
      rec.recordReport(report);
      rec.recordTick({
        tick: report.tick,
        durationMs: f.durationMs,
        agents: f.agents,
        bytesOut: f.bytesOut,
        clients: f.clients,
        late: f.late,
      });
      return rec.flushIfDue();
    },
    hash(tick, worldHash) {
      rec.recordHash(tick, worldHash);
    },
    finish(status, worldHash, error) {
      return rec.close(status, worldHash, error);
    },
  };
}

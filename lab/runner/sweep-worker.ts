import { receiveMessageOnPort, threadId } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.ts';
import { runScenario } from './run.ts';
import type { RunSummary } from './run.ts';
import { openSink } from './sinks.ts';
import type { SinkTarget } from './sinks.ts';

/**
 * One sweep job as a pool task: the job's scenario (parsed and validated on the main thread, so workers load
 * neither the YAML parser nor the schema validator), its seed, where to record.
 */
export interface SweepTask {
  scenario: Scenario;
  /** The job's parameters, nested (`{species: {wolf: {caps: {hard: 6}}}}`), as the run stores them. */
  params: Record<string, unknown>;
  seed: number;
  runId: string;
  /** Shared by every run of the sweep. */
  sweepId: string;
  target: SinkTarget;
  /** Progress goes out, a 'stop' message comes in. */
  port: MessagePort;
  /**
   * What progress messages carry: nothing (nobody listens), where the run is and ~100 tick-time samples
   * (progress bars), or also every tick's metrics (live charts).
   */
  progress: 'none' | 'ticks' | 'metrics';
  hashEveryTicks?: number;
}

/** One tick in a progress message: its duration and, on ticks that have them, its metrics. */
export interface ProgressPoint {
  tick: number;
  tickMs: number;
  /** This tick's metrics summed over zones (counts, births, deaths) or averaged (frequencies, traits). */
  metrics?: Array<{ species: string; key: string; value: number }>;
}

/**
 * Progress message a job posts on its port, at most every `PROGRESS_EVERY_MS` of wall time (and at the end):
 * where the run is, plus every tick since the last message that has metrics (live charts lose nothing) and
 * about a hundred tick-time samples per run.
 */
export interface SweepProgressMessage {
  type: 'progress';
  tick: number;
  ticks: number;
  agents: number;
  points: ProgressPoint[];
}

/** The first message of a job: a worker has taken it (jobs can wait in the pool's queue before that). */
export interface SweepStartedMessage {
  type: 'started';
}

/** Wall time between progress messages: one per tick would keep the main thread busy on short runs. */
export const PROGRESS_EVERY_MS = 100;

/** Folds a tick's per-zone metrics into one value per (species, key): sums for counts, means otherwise. */
export function foldMetrics(
  metrics: readonly { species: string; key: string; value: number }[],
): Array<{ species: string; key: string; value: number }> {
  const acc = new Map<string, { species: string; key: string; sum: number; n: number }>();
  for (const m of metrics) {
    const k = `${m.species}\u0000${m.key}`;
    const a = acc.get(k) ?? { species: m.species, key: m.key, sum: 0, n: 0 };
    a.sum += m.value;
    a.n++;
    acc.set(k, a);
  }
  const additive = (key: string): boolean => key === 'count' || key === 'births' || key.startsWith('deaths.');
  return [...acc.values()].map((a) => ({
    species: a.species,
    key: a.key,
    value: additive(a.key) ? a.sum : a.sum / a.n,
  }));
}

/** Runs one whole scenario on this worker (inline: the sweep's parallelism is across runs). */
export default async function runSweepJob(
  task: SweepTask | { warmup: true },
): Promise<(RunSummary & { runId: string }) | { runId: string; skipped: true } | { thread: number }> {
  // The pool's start-up check: this worker is up.
  if ('warmup' in task) return { thread: threadId };
  const scenario = task.scenario;
  // Stopped while it waited in the pool's queue: it never starts (and records nothing).
  if (receiveMessageOnPort(task.port)?.message === 'stop') {
    task.port.close();
    return { runId: task.runId, skipped: true };
  }
  const ac = new AbortController();
  task.port.on('message', (m: unknown) => {
    if (m === 'stop') ac.abort();
  });
  task.port.postMessage({ type: 'started' } satisfies SweepStartedMessage);
  const sink = await openSink(task.target, {
    runId: task.runId,
    scenario: scenario.name,
    scenarioJson: scenario,
    params: { ...task.params, seed: task.seed },
    seed: task.seed,
    sweepId: task.sweepId,
  });
  let lastSample = 0;
  let lastPost = performance.now();
  let tickMetrics: ProgressPoint['metrics'];
  let points: ProgressPoint[] = [];
  let where = { tick: 0, ticks: scenario.ticks, agents: 0 };
  const post = (): void => {
    lastPost = performance.now();
    task.port.postMessage({ type: 'progress', ...where, points } satisfies SweepProgressMessage);
    points = [];
  };
  try {
    const summary = await runScenario({
      scenario,
      seed: task.seed,
      signal: ac.signal,
      sink,
      hashEveryTicks: task.hashEveryTicks,
      onTick: (report) => {
        if (task.progress === 'metrics')
          tickMetrics = report.metrics.length > 0 ? foldMetrics(report.metrics) : undefined;
      },
      onProgress: (p) => {
        if (task.progress === 'none') return;
        where = { tick: p.tick, ticks: p.ticks, agents: p.agents };
        // Every tick that has metrics (live charts), else about a hundred samples per run.
        if (tickMetrics || p.tick - lastSample >= Math.max(1, Math.floor(p.ticks / 100))) {
          lastSample = p.tick;
          points.push(
            tickMetrics
              ? { tick: p.tick, tickMs: p.tickMs, metrics: tickMetrics }
              : { tick: p.tick, tickMs: p.tickMs },
          );
        }
        if (p.tick === p.ticks || performance.now() - lastPost >= PROGRESS_EVERY_MS) post();
      },
    });
    if (points.length && task.progress !== 'none') post();
    return { ...summary, runId: task.runId };
  } finally {
    task.port.close();
  }
}

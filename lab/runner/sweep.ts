import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { jsTree, projectUrl } from '../../engine/world/js-tree.ts';
import { warmThreads } from '../../engine/world/pool.ts';
import { parseScenario } from '../scenario/load.ts';
import '../scenario/to-world.ts';
import type { RunSummary } from './run.ts';
import type { SinkTarget } from './sinks.ts';
import { nestParams } from './sweep-plan.ts';
import type { SweepJob } from './sweep-plan.ts';
import type { SweepProgressMessage, SweepStartedMessage, SweepTask } from './sweep-worker.ts';

/** Options for running a sweep's jobs in parallel on a worker pool. */
export interface SweepRunOptions {
  file: string;
  text: string;
  jobs: SweepJob[];
  workers: number;
  target: SinkTarget;
  /** Prefix of run ids (`<prefix>-<job index>`). */
  runPrefix: string;
  hashEveryTicks?: number;
  signal?: AbortSignal;
  onJobStart?: (job: SweepJob, runId: string) => void;
  onJobProgress?: (job: SweepJob, p: SweepProgressMessage) => void;
  /** Progress messages carry each tick's metrics too (live charts); default: position and tick times only. */
  liveMetrics?: boolean;
  onJobEnd?: (job: SweepJob, result: JobResult) => void;
}

/** How one job ended. */
export type JobResult =
  { ok: true; summary: RunSummary & { runId: string } } | { ok: false; runId: string; error: string };

/** A unique, sortable run-id prefix from the scenario name and the wall clock (not simulation time). */
export function runPrefix(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${scenarioName}-${stamp}-${Math.floor(now.getMilliseconds()).toString().padStart(3, '0')}`;
}

/**
 * Runs every job, at most `workers` at a time, each a whole deterministic run on a pool thread writing
 * its own results. On abort, no new job starts and running jobs stop after their current tick (they keep
 * what they recorded, marked stopped).
 */
export async function runSweep(o: SweepRunOptions): Promise<JobResult[]> {
  // Workers load the plain-JavaScript tree when there is one (a faster start than tsx in every thread).
  const root = await jsTree();
  // With a worker per core, V8's background compiler gets a core only by preempting a run, and fresh workers run
  // unoptimized code for longer (their first jobs took twice as long; a 64-run sweep on 2 workers lost ~10 % to
  // it). Such a sweep's worker isolates compile hot functions on their own thread instead. The flag is read when
  // an isolate starts, so it is off only while this pool's threads start.
  const saturated = o.workers >= availableParallelism();
  if (saturated) setFlagsFromString('--no-concurrent-recompilation');
  const pool = new Piscina({
    filename: projectUrl('lab/runner/sweep-worker.mjs'),
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 1000,
    workerData: { jsRoot: root === null ? null : pathToFileURL(`${root}/`).href },
  });
  try {
    await warmThreads(pool, o.workers);
  } finally {
    if (saturated) setFlagsFromString('--concurrent-recompilation');
  }
  const results: JobResult[] = new Array(o.jobs.length);
  const running = new Set<MessageChannel['port1']>();
  const onAbort = (): void => {
    for (const port of running) port.postMessage('stop');
  };
  o.signal?.addEventListener('abort', onAbort);
  let next = 0;
  const parsed = new Map<string, ReturnType<typeof parseScenario>>();
  const lane = async (): Promise<void> => {
    while (next < o.jobs.length && !o.signal?.aborted) {
      const job = o.jobs[next++];
      const runId = `${o.runPrefix}-${String(job.index).padStart(3, '0')}`;
      const { port1, port2 } = new MessageChannel();
      running.add(port1);
      const onMessage = (m: SweepProgressMessage | SweepStartedMessage): void => {
        if (m.type === 'started') o.onJobStart?.(job, runId);
        else o.onJobProgress?.(job, m);
      };
      port1.on('message', onMessage);
      let task: SweepTask;
      try {
        // Each job's scenario is parsed here (a few ms) and sent as data: workers never parse. Jobs that
        // differ only in their seed share one parse.
        const key = job.overrides.join('\n');
        let scenario = parsed.get(key);
        if (!scenario)
          parsed.set(key, (scenario = parseScenario(o.text, { file: o.file, overrides: job.overrides })));
        task = {
          scenario,
          params: nestParams(job.params),
          seed: job.seed,
          runId,
          sweepId: o.runPrefix,
          target: o.target,
          port: port2 as unknown as SweepTask['port'],
          progress: !o.onJobProgress ? 'none' : o.liveMetrics ? 'metrics' : 'ticks',
          hashEveryTicks: o.hashEveryTicks,
        };
      } catch (err) {
        results[job.index] = { ok: false, runId, error: err instanceof Error ? err.message : String(err) };
        running.delete(port1);
        port1.close();
        port2.close();
        o.onJobEnd?.(job, results[job.index]);
        continue;
      }
      try {
        const r = (await pool.run(task, { transferList: [port2] as never })) as
          (RunSummary & { runId: string }) | { runId: string; skipped: true };
        // Messages still queued on the port (the last progress) come before the end.
        for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) onMessage(m.message);
        if ('skipped' in r) continue;
        results[job.index] = { ok: true, summary: r };
      } catch (err) {
        results[job.index] = { ok: false, runId, error: err instanceof Error ? err.message : String(err) };
      } finally {
        running.delete(port1);
        port1.close();
      }
      o.onJobEnd?.(job, results[job.index]);
    }
  };
  try {
    // One lane more than workers: the next job is parsed and waits in the pool's queue, so a worker that
    // finishes a run starts the next one without waiting for this thread (it is announced when it starts).
    await Promise.all(Array.from({ length: Math.max(1, o.workers) + 1 }, lane));
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
  return results.filter(Boolean);
}

import type { MessagePort } from 'node:worker_threads';
import { parseScenario } from '../scenario/load.ts';
import '../scenario/to-world.ts';
import { runScenario } from './run.ts';
import type { RunSummary } from './run.ts';
import { openSink } from './sinks.ts';
import { nestParams } from './sweep-plan.ts';
import type { SinkTarget } from './sinks.ts';

/** One sweep job as a pool task: the scenario text, this job's overrides and seed, where to record. */
export interface SweepTask {
  file: string;
  text: string;
  overrides: string[];
  params: Record<string, string>;
  seed: number;
  runId: string;
  target: SinkTarget;
  /** Progress goes out, a 'stop' message comes in. */
  port: MessagePort;
  hashEveryTicks?: number;
}

/** Progress message a job posts on its port. */
export interface SweepProgressMessage {
  type: 'progress';
  tick: number;
  ticks: number;
  agents: number;
}

/** Runs one whole scenario on this worker (inline: the sweep's parallelism is across runs). */
export default async function runSweepJob(task: SweepTask): Promise<RunSummary & { runId: string }> {
  const scenario = parseScenario(task.text, { file: task.file, overrides: task.overrides });
  const ac = new AbortController();
  task.port.on('message', (m: unknown) => {
    if (m === 'stop') ac.abort();
  });
  const sink = await openSink(task.target, {
    runId: task.runId,
    scenario: scenario.name,
    scenarioJson: scenario,
    params: { ...nestParams(task.params), seed: task.seed },
    seed: task.seed,
  });
  let lastPost = 0;
  try {
    const summary = await runScenario({
      scenario,
      seed: task.seed,
      signal: ac.signal,
      sink,
      hashEveryTicks: task.hashEveryTicks,
      onProgress: (p) => {
        // About ten updates a second is plenty for a progress line.
        if (p.tick - lastPost >= Math.max(1, Math.floor(p.ticks / 100)) || p.tick === p.ticks) {
          lastPost = p.tick;
          task.port.postMessage({
            type: 'progress',
            tick: p.tick,
            ticks: p.ticks,
            agents: p.agents,
          } satisfies SweepProgressMessage);
        }
      },
    });
    return { ...summary, runId: task.runId };
  } finally {
    task.port.close();
  }
}

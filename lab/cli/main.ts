import { Command, InvalidArgumentError } from 'commander';
import { ScenarioError, loadScenario } from '../scenario/load.ts';
import { benchEngine, benchScenario } from '../runner/bench.ts';
import type { EngineBenchResult } from '../runner/bench.ts';
import { runScenario } from '../runner/run.ts';
import { progressView } from './progress.ts';

const int =
  (name: string, min = 0) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
const intList =
  (name: string, min = 0) =>
  (v: string): number[] =>
    v.split(',').map((s) => int(name, min)(s.trim()));
const seedArg = (v: string): number | string => (/^\d+$/.test(v) ? Number(v) : v);

/** Aborts on the first Ctrl-C (clean stop); a second one exits at once. */
function interruptSignal(): AbortController {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nstopping after the current tick… (Ctrl-C again to quit now)\n');
    ac.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return ac;
}

/** The `arcane` command line. */
export function buildCli(): Command {
  const program = new Command('arcane')
    .description('Arcane Realms: a deterministic, zone-sharded agent simulation lab')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command('run')
    .description('Run one scenario headless and print a summary')
    .argument('<scenario>', 'scenario YAML file')
    .option('--ticks <n>', 'ticks to run (default: the scenario’s)', int('--ticks', 1))
    .option('--workers <k>', 'worker threads (0 = inline)', int('--workers'), 0)
    .option('--seed <s>', 'seed (default: the scenario’s)', seedArg)
    .option(
      '--set <path=value>',
      'override a scenario value (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--json', 'print one JSON object on the last line')
    .action(
      async (
        file: string,
        opts: { ticks?: number; workers: number; seed?: number | string; set: string[]; json?: boolean },
      ) => {
        const scenario = await loadScenario(file, { overrides: opts.set });
        const ac = interruptSignal();
        const ticks = opts.ticks ?? scenario.ticks;
        const bar = progressView({ label: scenario.name, total: ticks });
        const summary = await runScenario({
          scenario,
          ticks,
          seed: opts.seed,
          workers: opts.workers,
          signal: ac.signal,
          onProgress: (p) => bar.update(p.tick, p.agents),
        });
        bar.stop();
        if (opts.json) console.log(JSON.stringify(summary));
        else {
          console.log(
            `${summary.scenario}: ${summary.status} after ${summary.ticks} ticks, ${summary.agents} agents, ${summary.workers} workers`,
          );
          console.log(
            `tick ms p50 ${summary.tickMs.p50}  p95 ${summary.tickMs.p95}  p99 ${summary.tickMs.p99}; wall ${(summary.wallMs / 1000).toFixed(2)} s`,
          );
          console.log(`world hash ${summary.worldHash}`);
        }
      },
    );

  program
    .command('bench')
    .description(
      'Benchmark the engine: wanderers with neighbour avoidance on zones stepped by the worker pool',
    )
    .option('--agents <n[,n…]>', 'agents (a list runs each size)', intList('--agents', 1), [20000])
    .option('--zones <z>', 'zones', int('--zones', 1), 8)
    .option(
      '--workers <k[,k…]>',
      'worker threads, a list runs each count (default 2; 0 with --scenario)',
      intList('--workers', 0),
    )
    .option('--ticks <t>', 'measured ticks (after a warm-up)', int('--ticks', 1), 400)
    .option('--scenario <file>', 'time whole runs of a scenario instead (setup included)')
    .option('--runs <n>', 'with --scenario: runs to time (seeds 1…n)', int('--runs', 1), 20)
    .option('--json', 'print one JSON object per configuration, the last line the last one')
    .action(
      async (opts: {
        agents: number[];
        zones: number;
        workers?: number[];
        ticks: number;
        json?: boolean;
        scenario?: string;
        runs: number;
      }) => {
        if (opts.scenario) {
          const scenario = await loadScenario(opts.scenario);
          const r = await benchScenario({ scenario, runs: opts.runs, workers: opts.workers?.[0] ?? 0 });
          if (opts.json) console.log(JSON.stringify(r));
          else
            console.log(
              `${r.scenario}: ${r.runs} runs of ${r.ticks} ticks (${r.workers} workers): ms/run median ${r.msPerRun.median}, ` +
                `min ${r.msPerRun.min}, max ${r.msPerRun.max}; agents at end median ${r.agentsAtEnd.median}`,
            );
          return;
        }
        const workerCounts = opts.workers ?? [2];
        const results: EngineBenchResult[] = [];
        for (const agents of opts.agents)
          for (const workers of workerCounts) {
            if (!opts.json)
              process.stderr.write(
                `bench: ${agents} agents, ${opts.zones} zones, ${workers} workers, ${opts.ticks} ticks…\n`,
              );
            const r = await benchEngine({ agents, zones: opts.zones, workers, ticks: opts.ticks });
            results.push(r);
            if (opts.json) console.log(JSON.stringify(r));
            else
              console.log(
                `${String(r.agents).padStart(7)} agents  ${r.workers} workers  p50 ${r.tickMs.p50.toFixed(2)} ms  p95 ${r.tickMs.p95.toFixed(2)} ms  p99 ${r.tickMs.p99.toFixed(2)} ms  ` +
                  `${(r.agentStepsPerSec / 1e6).toFixed(2)} M agent-steps/s  ${r.nsPerAgentStep} ns/step  ${r.bytesPerAgent} B/agent state (${r.bytesAllocatedPerAgent} B allocated)`,
              );
          }
        if (!opts.json && results.length > 1) {
          const base = results[0];
          for (const r of results.slice(1))
            console.log(
              `vs ${base.agents} agents/${base.workers} workers: ${r.agents} agents/${r.workers} workers → throughput ×${(r.agentStepsPerSec / base.agentStepsPerSec).toFixed(2)}, cost per agent-step ×${(r.nsPerAgentStep / base.nsPerAgentStep).toFixed(2)}`,
            );
        }
      },
    );

  program
    .command('start')
    .description(
      'Start Arcane Realms on embedded defaults (for now: the demo scenario in real time with live progress)',
    )
    .option('--scenario <file>', 'scenario to run', 'scenarios/demo.yaml')
    .option('--workers <k>', 'worker threads', int('--workers'), 2)
    .action(async (opts: { scenario: string; workers: number }) => {
      const scenario = await loadScenario(opts.scenario);
      const ac = interruptSignal();
      const bar = progressView({
        label: `${scenario.name} (real time, ${scenario.tickRate ?? 20} Hz)`,
        total: scenario.ticks,
      });
      const { World } = await import('../../engine/world/world.ts');
      const { driveWorld } = await import('../../engine/world/scheduler.ts');
      const { scenarioToWorldOptions } = await import('../scenario/to-world.ts');
      const { summarise } = await import('../runner/run.ts');
      const world = await World.create(scenarioToWorldOptions(scenario, { workers: opts.workers }));
      const res = await driveWorld(world, {
        ticks: scenario.ticks,
        realtime: true,
        signal: ac.signal,
        onTick: (r) => bar.update(r.tick, world.agents),
      });
      bar.stop();
      const p = summarise(res.durationsMs);
      console.log(
        `${scenario.name}: ${res.aborted ? 'stopped' : 'finished'} at tick ${world.tick}; ${world.agents} agents; tick ms p50 ${p.p50} p99 ${p.p99}; late ticks ${res.lateTicks}; hash ${world.hash()}`,
      );
      await world.close();
    });

  return program;
}

/** Runs the CLI; scenario problems print as file:line:column lines and exit with status 2. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

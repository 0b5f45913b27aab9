import { Command, InvalidArgumentError } from 'commander';
import { loadScenario, readScenarioText, ScenarioError } from '../scenario/load.ts';
import { benchEngine, benchScenario } from '../runner/bench.ts';
import type { EngineBenchResult } from '../runner/bench.ts';
import { runScenario } from '../runner/run.ts';
import { percentile } from '../../engine/world/scheduler.ts';
import { progressView, sweepProgress } from './progress.ts';

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
    .option(
      '--warmup <n>',
      'leave the first n ticks out of the tick-time percentiles (JIT warm-up)',
      int('--warmup'),
      0,
    )
    .option('--db <dir>', 'results directory (the run records in <dir>/runs/<run_id>/)', 'data')
    .option('--no-record', 'record nothing')
    .option(
      '--net-sample <n>',
      'load scenarios: bots whose snapshots are encoded after each tick to measure bytes per client (0 = off)',
      int('--net-sample'),
      100,
    )
    .option(
      '--realtime',
      'pace ticks at the scenario’s tick rate, as the game server does (default: as fast as it can)',
    )
    .option('--json', 'print one JSON object on the last line')
    .action(
      async (
        file: string,
        opts: {
          realtime?: boolean;
          ticks?: number;
          workers: number;
          seed?: number | string;
          set: string[];
          json?: boolean;
          db: string;
          record: boolean;
          warmup: number;
          netSample: number;
        },
      ) => {
        const scenario = await loadScenario(file, { overrides: opts.set });
        const ac = interruptSignal();
        const ticks = opts.ticks ?? scenario.ticks;
        const seed = opts.seed ?? scenario.seed ?? 1;
        const { openSink } = await import('../runner/sinks.ts');
        const { runPrefix } = await import('../runner/sweep.ts');
        const { nestParams } = await import('../runner/sweep-plan.ts');
        const runId = runPrefix(scenario.name);
        const flat = Object.fromEntries(
          opts.set.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)]),
        );
        const sink = await openSink(opts.record ? { kind: 'duckdb', dir: opts.db } : { kind: 'none' }, {
          runId,
          scenario: scenario.name,
          scenarioJson: { ...scenario, ticks },
          params: { ...nestParams(flat), seed, ticks },
          seed,
        });
        const bar = progressView({ label: scenario.name, total: ticks });
        const summary = await runScenario({
          scenario,
          ticks,
          seed,
          workers: opts.workers,
          signal: ac.signal,
          sink,
          warmupTicks: opts.warmup,
          netSample: opts.netSample,
          realtime: opts.realtime,
          onProgress: (p) => bar.update(p.tick, p.agents),
        });
        bar.stop();
        const out = opts.record ? { runId, db: opts.db, ...summary } : summary;
        if (opts.json) console.log(JSON.stringify(out));
        else {
          console.log(
            `${summary.scenario}: ${summary.status} after ${summary.ticks} ticks, ${summary.agents} agents, ${summary.workers} workers`,
          );
          console.log(
            `tick ms p50 ${summary.tickMs.p50}  p95 ${summary.tickMs.p95}  p99 ${summary.tickMs.p99}; wall ${(summary.wallMs / 1000).toFixed(2)} s`,
          );
          console.log(`world hash ${summary.worldHash}`);
          if (summary.net)
            console.log(
              `network: ${summary.net.bytesPerClientPerS} B/s of snapshots per bot (encoder run for ${summary.net.sampledClients} of ${summary.net.bots} bots)`,
            );
          if (opts.record) console.log(`recorded as run ${runId} in ${opts.db}/runs/${runId}/`);
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
    .option(
      '--rounds <n>',
      'repeat every configuration n times, alternating their order, and print medians (ratios on a shared machine drift between runs)',
      int('--rounds', 1),
      1,
    )
    .option('--scenario <file>', 'time whole runs of a scenario instead (setup included)')
    .option('--runs <n>', 'with --scenario: runs to time (seeds 1…n)', int('--runs', 1), 20)
    .option(
      '--parallel <k[,k…]>',
      'with --scenario: run the N runs as a sweep on k pool workers and compare wall times',
      intList('--parallel', 1),
    )
    .option('--json', 'print one JSON object per configuration, the last line the last one')
    .action(
      async (opts: {
        agents: number[];
        zones: number;
        workers?: number[];
        ticks: number;
        rounds: number;
        json?: boolean;
        scenario?: string;
        runs: number;
        parallel?: number[];
      }) => {
        if (opts.scenario && opts.parallel) {
          const { expandSweep, validateSweep } = await import('../runner/sweep-plan.ts');
          const { runSweep } = await import('../runner/sweep.ts');
          const text = await readScenarioText(opts.scenario);
          const jobs = expandSweep(
            [],
            Array.from({ length: opts.runs }, (_, i) => i + 1),
          );
          const [scenario] = validateSweep(text, opts.scenario, jobs.slice(0, 1));
          const sweepWall = async (workers: number): Promise<number> => {
            const t0 = performance.now();
            const res = await runSweep({
              file: opts.scenario!,
              text,
              jobs,
              workers,
              target: { kind: 'none' },
              runPrefix: 'bench',
            });
            const wallMs = performance.now() - t0;
            if (res.some((r) => !r.ok)) throw new Error('a benchmark run failed');
            return wallMs;
          };
          // Rounds alternate the order of the configurations (drift and warm caches hit both alike); the
          // speed-up is the median of the rounds' ratios.
          const walls = new Map<number, number[]>(opts.parallel.map((w) => [w, []]));
          const ratios: number[] = [];
          for (let round = 0; round < opts.rounds; round++) {
            const order = round % 2 === 0 ? opts.parallel : [...opts.parallel].reverse();
            const got = new Map<number, number>();
            for (const workers of order) {
              if (!opts.json && opts.rounds > 1)
                process.stderr.write(`${workers} worker(s), round ${round + 1}/${opts.rounds}…\n`);
              got.set(workers, await sweepWall(workers));
              walls.get(workers)!.push(got.get(workers)!);
            }
            ratios.push(got.get(opts.parallel[0])! / got.get(opts.parallel.at(-1)!)!);
          }
          const median = (v: number[]): number => percentile(v, 50);
          const rows = opts.parallel.map((workers) => {
            const wallMs = median(walls.get(workers)!);
            return {
              workers,
              wallMs: Math.round(wallMs),
              runsPerSec: Math.round((opts.runs / wallMs) * 1000 * 100) / 100,
              ...(opts.rounds > 1 ? { wallsMs: walls.get(workers)!.map(Math.round) } : {}),
            };
          });
          const { parallelCeiling } = await import('../runner/calibrate.ts');
          const last = rows.at(-1)!;
          const ceiling =
            last.workers > rows[0].workers ? await parallelCeiling(last.workers / rows[0].workers) : 1;
          const out = {
            scenario: scenario.name,
            runs: opts.runs,
            ticks: scenario.ticks,
            sweep: rows,
            speedup: Math.round(median(ratios) * 100) / 100,
            ...(opts.rounds > 1 ? { rounds: ratios.map((r) => Math.round(r * 100) / 100) } : {}),
            machineCeiling: Math.round(ceiling * 100) / 100,
          };
          if (opts.json) console.log(JSON.stringify(out));
          else {
            for (const r of rows)
              console.log(
                `${out.scenario}: ${out.runs} runs on ${r.workers} workers: ${(r.wallMs / 1000).toFixed(2)} s (${r.runsPerSec} runs/s)${opts.rounds > 1 ? ' (median)' : ''}`,
              );
            console.log(
              `speed-up ${last.workers} vs ${rows[0].workers} workers: ×${out.speedup}${opts.rounds > 1 ? ` (median of ${opts.rounds} rounds: ${ratios.map((x) => `×${x.toFixed(2)}`).join(' ')})` : ''} (this machine's ceiling for the same CPU-bound work on ${last.workers / rows[0].workers} threads right now: ×${out.machineCeiling})`,
            );
          }
          return;
        }
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
        const configs = opts.agents.flatMap((agents) => workerCounts.map((workers) => ({ agents, workers })));
        const byConfig = configs.map(() => [] as EngineBenchResult[]);
        for (let round = 0; round < opts.rounds; round++) {
          // Every other round runs the configurations backwards, so drift does not favour one of them.
          const order = configs.map((_, i) => i);
          if (round % 2 === 1) order.reverse();
          for (const ci of order) {
            const { agents, workers } = configs[ci];
            if (!opts.json)
              process.stderr.write(
                `bench: ${agents} agents, ${opts.zones} zones, ${workers} workers, ${opts.ticks} ticks` +
                  `${opts.rounds > 1 ? ` (round ${round + 1}/${opts.rounds})` : ''}…\n`,
              );
            const r = await benchEngine({ agents, zones: opts.zones, workers, ticks: opts.ticks });
            byConfig[ci].push(r);
            if (opts.json) console.log(JSON.stringify(opts.rounds > 1 ? { ...r, round: round + 1 } : r));
            else
              console.log(
                `${String(r.agents).padStart(7)} agents  ${r.workers} workers  p50 ${r.tickMs.p50.toFixed(2)} ms  p95 ${r.tickMs.p95.toFixed(2)} ms  p99 ${r.tickMs.p99.toFixed(2)} ms  ` +
                  `${(r.agentStepsPerSec / 1e6).toFixed(2)} M agent-steps/s  ${r.nsPerAgentStep} ns/step  ${r.bytesPerAgent} B/agent state (${r.bytesAllocatedPerAgent} B allocated)`,
              );
          }
        }
        if (configs.length < 2) return;
        const first = configs[0];
        const maxWorkers = Math.max(...workerCounts);
        const ceiling =
          first.workers >= 1 && maxWorkers > first.workers
            ? await (await import('../runner/calibrate.ts')).parallelCeiling(maxWorkers / first.workers)
            : null;
        const median = (v: number[]): number => percentile(v, 50);
        // Per round, each configuration against the first configuration of the same round.
        const vsFirst = (ci: number, f: (r: EngineBenchResult) => number): number[] =>
          byConfig[ci].map((r, k) => f(r) / f(byConfig[0][k]));
        if (opts.json) {
          if (opts.rounds > 1)
            console.log(
              JSON.stringify({
                summary: true,
                rounds: opts.rounds,
                configs: configs.map((c, ci) => ({
                  ...c,
                  agentStepsPerSec: Math.round(median(byConfig[ci].map((r) => r.agentStepsPerSec))),
                  p99: median(byConfig[ci].map((r) => r.tickMs.p99)),
                  throughputVsFirst: Math.round(median(vsFirst(ci, (r) => r.agentStepsPerSec)) * 1000) / 1000,
                  eachRound: vsFirst(ci, (r) => r.agentStepsPerSec).map((x) => Math.round(x * 1000) / 1000),
                })),
                machineCeiling: ceiling === null ? null : Math.round(ceiling * 100) / 100,
              }),
            );
          return;
        }
        if (ceiling !== null)
          console.log(
            `this machine's ceiling for CPU-bound work on ${maxWorkers / first.workers} threads right now: ×${ceiling.toFixed(2)}`,
          );
        for (let ci = 1; ci < configs.length; ci++) {
          const c = configs[ci];
          const speed = vsFirst(ci, (r) => r.agentStepsPerSec);
          const cost = median(vsFirst(ci, (r) => r.nsPerAgentStep));
          const each =
            opts.rounds > 1
              ? ` (median of ${opts.rounds} rounds: ${speed.map((x) => `×${x.toFixed(2)}`).join(' ')})`
              : '';
          console.log(
            `vs ${first.agents} agents/${first.workers} workers: ${c.agents} agents/${c.workers} workers → throughput ×${median(speed).toFixed(2)}, cost per agent-step ×${cost.toFixed(2)}${each}`,
          );
        }
      },
    );

  program
    .command('sweep')
    .description('Run a scenario over a grid of parameter values × seeds, in parallel on a worker pool')
    .argument('<scenario>', 'scenario YAML file')
    .option(
      '--grid <path=v1,v2,…>',
      'a parameter axis (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--seeds <a..b|list>', 'replicate seeds', '1..4')
    .option('--workers <k>', 'runs in parallel', int('--workers', 1), 2)
    .option(
      '--set <path=value>',
      'override for every run (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--db <dir>', 'results directory (one DuckDB file per run)', 'data')
    .option('--no-record', 'record nothing (for timing)')
    .option('--json', 'print one JSON object on the last line')
    .action(
      async (
        file: string,
        opts: {
          grid: string[];
          seeds: string;
          workers: number;
          set: string[];
          db: string;
          record: boolean;
          json?: boolean;
        },
      ) => {
        const { expandSweep, parseGrid, parseSeeds, validateSweep } = await import('../runner/sweep-plan.ts');
        const { runPrefix, runSweep } = await import('../runner/sweep.ts');
        const text = await readScenarioText(file);
        const jobs = expandSweep(opts.grid.map(parseGrid), parseSeeds(opts.seeds), opts.set);
        const scenarios = validateSweep(text, file, jobs);
        const prefix = runPrefix(scenarios[0].name);
        const ac = interruptSignal();
        const bars = sweepProgress(jobs.length, opts.json);
        const t0 = performance.now();
        const results = await runSweep({
          file,
          text,
          jobs,
          workers: opts.workers,
          target: opts.record ? { kind: 'duckdb', dir: opts.db } : { kind: 'none' },
          runPrefix: prefix,
          signal: ac.signal,
          onJobStart: (job, runId) =>
            bars.start(
              job.index,
              `${runId} ${Object.entries(job.params)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')} seed=${job.seed}`,
            ),
          onJobProgress: (job, p) => bars.update(job.index, p.tick, p.ticks, p.agents),
          onJobEnd: (job, r) => bars.end(job.index, r.ok ? r.summary.status : `failed: ${r.error}`),
        });
        bars.stop();
        const wallMs = performance.now() - t0;
        const failed = results.filter((r) => !r.ok).length;
        const summary = {
          scenario: scenarios[0].name,
          runs: results.length,
          planned: jobs.length,
          failed,
          workers: opts.workers,
          wallMs: Math.round(wallMs),
          runIds: results.map((r) => (r.ok ? r.summary.runId : r.runId)),
          db: opts.record ? opts.db : null,
        };
        if (opts.json) console.log(JSON.stringify(summary));
        else
          console.log(
            `${summary.scenario}: ${summary.runs}/${summary.planned} runs (${failed} failed) on ${opts.workers} workers in ${(wallMs / 1000).toFixed(2)} s` +
              (opts.record ? `; results in ${opts.db}/runs (run ids ${prefix}-000…)` : ''),
          );
        if (failed > 0) process.exitCode = 1;
      },
    );

  program
    .command('query')
    .description(
      'Run a read-only SQL query over the recorded results (tables: runs, metrics, genes, events, ticks, hashes)',
    )
    .argument('<db>', 'results directory (as given to --db)')
    .argument('<sql>', 'one SELECT statement')
    .option('--timeout <ms>', 'interrupt the query after this long', int('--timeout', 1), 10000)
    .option('--max-rows <n>', 'rows to print at most', int('--max-rows', 1), 1000)
    .option('--json', 'print {columns, rows} as JSON')
    .action(async (db: string, sql: string, opts: { timeout: number; maxRows: number; json?: boolean }) => {
      const { queryResults } = await import('../store/index.ts');
      const r = await queryResults(db, sql, { timeoutMs: opts.timeout, maxRows: opts.maxRows });
      if (opts.json)
        console.log(
          JSON.stringify({ columns: r.columns, rows: r.rows, truncated: r.truncated }, (_, v) =>
            typeof v === 'bigint' ? Number(v) : v,
          ),
        );
      else {
        console.table(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))));
        console.log(
          `${r.rows.length} row(s)${r.truncated ? ' (truncated: --max-rows)' : ''} in ${r.elapsedMs.toFixed(1)} ms`,
        );
      }
    });

  program
    .command('export')
    .description('Export a recorded run’s table, or a query’s result, to Parquet or CSV')
    .argument('[run_id]', 'the run to export (omit with --query)')
    .requiredOption('--out <file>', 'output file (a directory with --table all)')
    .option('--format <fmt>', 'parquet or csv', 'parquet')
    .option(
      '--table <name>',
      'which table of the run: metrics, genes, events, ticks, hashes, runs, all',
      'metrics',
    )
    .option('--query <sql>', 'export this SELECT instead of a run table')
    .option('--db <dir>', 'results directory', 'data')
    .action(
      async (
        runId: string | undefined,
        opts: { out: string; format: string; table: string; query?: string; db: string },
      ) => {
        const { ResultsReader } = await import('../store/index.ts');
        if (opts.format !== 'parquet' && opts.format !== 'csv')
          throw new InvalidArgumentError(`--format must be parquet or csv, got '${opts.format}'`);
        if (!opts.query && !runId) throw new InvalidArgumentError('give a run id, or --query');
        const reader = await ResultsReader.open(opts.db, { autoRefresh: false });
        try {
          const r = opts.query
            ? await reader.exportQuery(opts.query, { format: opts.format, out: opts.out })
            : await reader.exportRun(runId!, {
                format: opts.format,
                out: opts.out,
                table: opts.table as never,
              });
          console.log(`wrote ${r.rows} row(s) to ${r.paths.join(', ')} (${opts.format})`);
        } finally {
          reader.close();
        }
      },
    );

  program
    .command('replay')
    .description('Re-run a recorded run exactly and verify every recorded world hash')
    .argument('<run_id>', 'the run to replay')
    .option('--db <dir>', 'results directory', 'data')
    .option('--json', 'print the report as JSON')
    .action(async (runId: string, opts: { db: string; json?: boolean }) => {
      const { replayRun } = await import('../runner/replay.ts');
      const r = await replayRun(opts.db, runId);
      if (opts.json) console.log(JSON.stringify(r));
      else if (r.ok)
        console.log(`replay of ${runId}: ${r.checked} recorded hashes over ${r.ticks} ticks all match`);
      else {
        console.log(`replay of ${runId}: ${r.mismatches.length} of ${r.checked} hashes differ`);
        for (const m of r.mismatches.slice(0, 10))
          console.log(`  tick ${m.tick}: recorded ${m.recorded}, replayed ${m.replayed}`);
      }
      if (!r.ok) process.exitCode = 1;
    });

  program
    .command('runs')
    .description('List recorded runs')
    .option('--db <dir>', 'results directory', 'data')
    .action(async (opts: { db: string }) => {
      const { queryResults } = await import('../store/index.ts');
      const r = await queryResults(
        opts.db,
        'SELECT run_id, scenario, seed, status, sweep_id, started_at, finished_at, params FROM runs ORDER BY run_id',
      );
      console.table(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))));
    });

  program
    .command('notebook')
    .description('Notebooks: Markdown with SQL cells over the recorded results')
    .command('render')
    .description('Render a notebook to a self-contained HTML report')
    .argument('<notebook>', 'notebook file, e.g. notebooks/population-dynamics.md')
    .requiredOption('--out <file>', 'HTML file to write')
    .option('--db <dir>', 'results directory', 'data')
    .option(
      '--param <name=value>',
      'notebook parameter (repeatable), e.g. run_id=…',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (file: string, opts: { out: string; db: string; param: string[] }) => {
      const { renderNotebook } = await import('../notebooks/index.ts');
      const params = Object.fromEntries(
        opts.param.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
      );
      const { result } = await renderNotebook(file, { db: opts.db, params, out: opts.out });
      const errors = result.cells.filter((c) => c.kind === 'sql' && c.error);
      console.log(`wrote ${opts.out}: ${result.cells.length} cells, ${errors.length} with errors`);
      for (const c of errors) if (c.kind === 'sql') console.log(`  error: ${c.error}`);
    });

  program
    .command('serve')
    .description(
      'Serve a scenario as a live game zone (WebSocket on /ws, stats on /api/game), without the web site',
    )
    .argument('[scenario]', 'scenario YAML file', 'scenarios/test-area.yaml')
    .option('--port <n>', 'HTTP/WebSocket port (0 = any free port)', int('--port'), 3001)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--workers <k>', 'worker threads for the world (0 = inline)', int('--workers'), 0)
    .option('--interest <m>', "half-width of a client's area of interest, metres", int('--interest', 1), 32)
    .option(
      '--gateways <n>',
      'gateway processes doing the clients’ socket I/O (0 = sockets in this process)',
      int('--gateways'),
      0,
    )
    .action(
      async (
        file: string,
        opts: { port: number; host: string; workers: number; interest: number; gateways: number },
      ) => {
        const scenario = await loadScenario(file);
        const { serveZone } = await import('../serve/serve.ts');
        const z = await serveZone({
          scenario,
          port: opts.port,
          host: opts.host,
          workers: opts.workers,
          interestM: opts.interest,
          gateways: opts.gateways,
          log: (l) => console.error(l),
        });
        console.log(
          `zone '${scenario.name}' listening on ${z.wsUrl} (stats: ${z.url}/api/game; Ctrl-C stops)`,
        );
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        await z.close();
        const t = z.zone.stats.tickMs;
        console.log(
          `stopped at tick ${z.world.tick}; tick ms p50 ${t.p50.toFixed(2)} p99 ${t.p99.toFixed(2)}`,
        );
      },
    );

  program
    .command('load')
    .description(
      'Connect WebSocket bots to a running zone server and report bytes, snapshot rate and round trips',
    )
    .requiredOption('--url <ws-url>', 'zone server WebSocket URL, e.g. ws://localhost:3000/ws')
    .option('--clients <n>', 'bots to connect', int('--clients', 1), 100)
    .option(
      '--duration <s>',
      'seconds to measure (after the ramp and a 2 s warm-up)',
      int('--duration', 1),
      20,
    )
    .option('--ramp <n>', 'connections opened per second', int('--ramp', 1), 250)
    .option('--no-spread', 'leave the bots at the spawn point (no console tp)')
    .option('--seed <n>', 'seed for the bots’ choices', int('--seed'), 1)
    .option('--json', 'print one JSON object on the last line')
    .action(
      async (opts: {
        url: string;
        clients: number;
        duration: number;
        ramp: number;
        spread: boolean;
        seed: number;
        json?: boolean;
      }) => {
        if (!/^wss?:\/\//.test(opts.url))
          throw new InvalidArgumentError('--url must start with ws:// or wss://');
        const { runWsLoad } = await import('../load/ws-bots.ts');
        const ac = interruptSignal();
        const r = await runWsLoad({
          url: opts.url,
          clients: opts.clients,
          durationS: opts.duration,
          rampPerS: opts.ramp,
          spread: opts.spread,
          seed: opts.seed,
          signal: ac.signal,
          onProgress: (l) => process.stderr.write(`load: ${l}\n`),
        });
        if (r.connected === 0) {
          console.error(
            `load: no bot could connect to ${opts.url}${r.firstError ? ` (${r.firstError})` : ''}`,
          );
          process.exitCode = 1;
        }
        const lines = [
          `${r.connected}/${r.clients} bots connected to ${r.url} for ${r.durationS} s`,
          `bytes/client/s mean ${r.bytesPerClientPerS.mean}  p95 ${r.bytesPerClientPerS.p95}  max ${r.bytesPerClientPerS.max}`,
          `snapshots/client/s mean ${r.snapshotsPerClientPerS.mean}  min ${r.snapshotsPerClientPerS.min}`,
          `round trip ms p50 ${r.rttMs.p50}  p95 ${r.rttMs.p95}  p99 ${r.rttMs.p99} (${r.rttMs.samples} pings)`,
          `errors: connect ${r.errors.connect}, server ${r.errors.server}, bad snapshots ${r.errors.badSnapshots}, rejections ${r.errors.rejections}, closed ${r.errors.closed}${r.firstError ? ` (first: ${r.firstError})` : ''}`,
        ];
        if (r.server)
          lines.push(
            `server: tick ms p50 ${r.server.tickMs.p50.toFixed(2)}  p95 ${r.server.tickMs.p95.toFixed(2)}  p99 ${r.server.tickMs.p99.toFixed(2)}  max ${r.server.tickMs.max.toFixed(2)}; ${r.server.clients} clients; ${r.server.snapshotsDropped} snapshots dropped`,
          );
        if (r.server?.phaseMs) {
          const ph = r.server.phaseMs;
          lines.push(
            `server tick parts p50/p99 ms: step ${ph.step.p50.toFixed(2)}/${ph.step.p99.toFixed(2)}  encode ${ph.encode.p50.toFixed(2)}/${ph.encode.p99.toFixed(2)}  send ${ph.send.p50.toFixed(2)}/${ph.send.p99.toFixed(2)}`,
          );
        }
        if (r.server?.gateway) {
          const g = r.server.gateway;
          lines.push(
            `gateways: ${g.processes} processes, ${g.connections} connections; socket sends per tick p50 ${g.sendMs.p50.toFixed(2)}  p99 ${g.sendMs.p99.toFixed(2)}  max ${g.sendMs.max.toFixed(2)} ms; ${g.dropped} snapshots dropped at full sockets`,
          );
        }
        for (const l of lines) console.log(l);
        if (opts.json) console.log(JSON.stringify(r));
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
    if (
      err instanceof Error &&
      (err.name === 'QueryError' || err.name === 'InvalidArgumentError' || /^no run '/.test(err.message))
    ) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

import { EventEmitter } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseNotebook, renderNotebookJson } from '../../lab/notebooks/index.ts';
import type { NotebookResult } from '../../lab/notebooks/index.ts';
import { ResultsReader } from '../../lab/store/index.ts';
import { ScenarioError, parseScenario } from '../../lab/scenario/load.ts';
import type { ScenarioIssue } from '../../lab/scenario/load.ts';
import '../../lab/scenario/to-world.ts';
import { expandSweep, parseGrid, parseSeeds, validateSweep } from '../../lab/runner/sweep-plan.ts';
import { runPrefix, runSweep } from '../../lab/runner/sweep.ts';
import type { JobResult } from '../../lab/runner/sweep.ts';
import type { SweepProgressMessage } from '../../lab/runner/sweep-worker.ts';

/** A scenario file as the lab lists it. */
export interface ScenarioEntry {
  name: string;
  file: string;
  title: string;
  kind: string;
  description: string;
  ticks: number;
  valid: boolean;
}

/** Rows of a query as the lab API answers them. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

/** One live update of a run: progress, this tick's metrics, and how it ended. */
export type LiveEvent =
  | ({ runId: string } & Omit<SweepProgressMessage, 'type'> & { type: 'progress' })
  | { type: 'end'; runId: string; status: string; error?: string };

/** A run launched from the web lab, while it goes (and a while after). */
interface ActiveRun {
  runId: string;
  scenario: string;
  params: Record<string, string>;
  seed: number;
  status: 'running' | 'finished' | 'stopped' | 'failed';
  events: LiveEvent[];
  emitter: EventEmitter;
  stop: () => void;
}

/** Options for the lab service. */
export interface LabServiceOptions {
  /** Folder of scenario files. */
  scenariosDir: string;
  notebooksDir: string;
  /** Results directory (run files under runs/). */
  dataDir: string;
  /** Pool threads for sweeps. */
  workers?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The web lab's server side: scenario files, validation as you type, runs and sweeps on worker threads
 * with live progress, run history, read-only SQL and notebooks, over the same modules as the CLI.
 */
export class LabService {
  private readonly active = new Map<string, ActiveRun>();

  constructor(readonly o: LabServiceOptions) {}

  private scenarioPath(name: string): string {
    if (!NAME.test(name)) throw new LabError(400, `bad scenario name '${name}'`);
    return join(this.o.scenariosDir, `${name}.yaml`);
  }

  /** Every scenario file, with its title and whether it validates. */
  async listScenarios(): Promise<ScenarioEntry[]> {
    const files = (await readdir(this.o.scenariosDir)).filter((f) => f.endsWith('.yaml')).sort();
    return Promise.all(
      files.map(async (f) => {
        const name = basename(f, '.yaml');
        const text = await readFile(join(this.o.scenariosDir, f), 'utf8');
        try {
          const s = parseScenario(text, { file: f });
          return {
            name,
            file: `scenarios/${f}`,
            title: s.name,
            kind: s.kind,
            description: s.description ?? '',
            ticks: s.ticks,
            valid: true,
          };
        } catch {
          return {
            name,
            file: `scenarios/${f}`,
            title: name,
            kind: '?',
            description: '',
            ticks: 0,
            valid: false,
          };
        }
      }),
    );
  }

  async readScenario(name: string): Promise<string> {
    try {
      return await readFile(this.scenarioPath(name), 'utf8');
    } catch {
      throw new LabError(404, `no scenario '${name}'`);
    }
  }

  /** Validates scenario text (and overrides) as a run would: issues with line, column and path. */
  validate(
    text: string,
    file = 'scenario.yaml',
    overrides: string[] = [],
  ): { ok: boolean; issues: ScenarioIssue[] } {
    try {
      parseScenario(text, { file, overrides });
      return { ok: true, issues: [] };
    } catch (err) {
      if (err instanceof ScenarioError) return { ok: false, issues: err.issues };
      throw err;
    }
  }

  /** Saves a scenario file, only when it is valid. */
  async saveScenario(name: string, text: string): Promise<{ ok: boolean; issues: ScenarioIssue[] }> {
    const v = this.validate(text, `${name}.yaml`);
    if (v.ok) await writeFile(this.scenarioPath(name), text);
    return v;
  }

  /**
   * Starts a sweep (a single run is a sweep of one): validates every job first, then runs them on worker
   * threads, recording each run to its own DuckDB file and streaming progress to subscribers.
   */
  startSweep(o: {
    text: string;
    file: string;
    grid?: string[];
    seeds?: string;
    overrides?: string[];
    workers?: number;
  }): { runIds: string[] } {
    const axes = (o.grid ?? [])
      .filter((g) => g.trim())
      .map((g) => {
        try {
          return parseGrid(g);
        } catch (err) {
          throw new LabError(400, (err as Error).message);
        }
      });
    let seeds: number[];
    try {
      seeds = parseSeeds(o.seeds ?? '1');
    } catch (err) {
      throw new LabError(400, (err as Error).message);
    }
    const jobs = expandSweep(axes, seeds, o.overrides ?? []);
    if (jobs.length > 512)
      throw new LabError(400, `${jobs.length} runs: at most 512 from the web lab (use the CLI for more)`);
    let scenarios;
    try {
      scenarios = validateSweep(o.text, o.file, jobs);
    } catch (err) {
      if (err instanceof ScenarioError) throw new LabError(422, err.message, err.issues);
      throw err;
    }
    const prefix = runPrefix(scenarios[0].name);
    const runIds = jobs.map((j) => `${prefix}-${String(j.index).padStart(3, '0')}`);
    const ac = new AbortController();
    jobs.forEach((job, k) => {
      const run: ActiveRun = {
        runId: runIds[k],
        scenario: scenarios[0].name,
        params: job.params,
        seed: job.seed,
        status: 'running',
        events: [],
        emitter: new EventEmitter(),
        stop: () => ac.abort(),
      };
      run.emitter.setMaxListeners(100);
      this.active.set(run.runId, run);
    });
    const publish = (runId: string, e: LiveEvent): void => {
      const run = this.active.get(runId);
      if (!run) return;
      run.events.push(e);
      run.emitter.emit('event', e);
    };
    void runSweep({
      file: o.file,
      text: o.text,
      jobs,
      workers: Math.max(1, Math.min(o.workers ?? this.o.workers ?? 2, jobs.length)),
      target: { kind: 'duckdb', dir: this.o.dataDir },
      runPrefix: prefix,
      signal: ac.signal,
      onJobProgress: (job, p) =>
        publish(runIds[job.index], { ...p, type: 'progress', runId: runIds[job.index] }),
      liveMetrics: true,
      onJobEnd: (job, r: JobResult) => {
        const runId = runIds[job.index];
        const run = this.active.get(runId);
        if (run) run.status = r.ok ? r.summary.status : 'failed';
        publish(
          runId,
          r.ok
            ? { type: 'end', runId, status: r.summary.status }
            : { type: 'end', runId, status: 'failed', error: r.error },
        );
        // Keep finished runs' live data for a while for late viewers; the DuckDB file has everything.
        setTimeout(() => this.active.delete(runId), 10 * 60_000).unref();
      },
    }).catch((err) => {
      for (const id of runIds) publish(id, { type: 'end', runId: id, status: 'failed', error: String(err) });
    });
    return { runIds };
  }

  /** Live events of a run launched here: everything so far, then each new one; returns an unsubscribe. */
  subscribe(runId: string, onEvent: (e: LiveEvent) => void): (() => void) | null {
    const run = this.active.get(runId);
    if (!run) return null;
    for (const e of run.events) onEvent(e);
    run.emitter.on('event', onEvent);
    return () => run.emitter.off('event', onEvent);
  }

  /** Stops a running sweep's runs after their current tick (they keep what they recorded). */
  stop(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run || run.status !== 'running') return false;
    run.stop();
    return true;
  }

  /** Runs in progress here (not yet in the results, or still writing). */
  activeRuns(): Array<{
    runId: string;
    scenario: string;
    status: string;
    seed: number;
    params: Record<string, string>;
  }> {
    return [...this.active.values()].map((r) => ({
      runId: r.runId,
      scenario: r.scenario,
      status: r.status,
      seed: r.seed,
      params: r.params,
    }));
  }

  private reader: Promise<ResultsReader> | null = null;

  // One reader for the life of the server: it picks up new runs and new segments as they are written.
  private results(): Promise<ResultsReader> {
    this.reader ??= ResultsReader.open(this.o.dataDir, { autoRefresh: true });
    return this.reader;
  }

  /** Read-only SQL over every recorded run (time-limited). */
  async query(sql: string, timeoutMs = 5000, maxRows = 2000): Promise<QueryResult> {
    const r = await (await this.results()).query(sql, { timeoutMs, maxRows });
    return { columns: r.columns, rows: r.rows, truncated: r.truncated, ms: r.elapsedMs };
  }

  /** Closes the results reader. */
  async close(): Promise<void> {
    if (this.reader) (await this.reader).close();
    this.reader = null;
  }

  /** Recorded runs, newest first. */
  async history(limit = 200): Promise<QueryResult> {
    return this.query(
      `SELECT run_id, scenario, seed, status, sweep_id, started_at, finished_at, params::VARCHAR AS params, world_hash FROM runs ORDER BY run_id DESC LIMIT ${Math.max(1, Math.min(2000, limit))}`,
    );
  }

  /** Metric series of several runs for side-by-side charts (counts per species by default). */
  async series(runIds: string[], key = 'count'): Promise<QueryResult> {
    const ids = runIds.filter((r) => /^[A-Za-z0-9_.:-]+$/.test(r));
    if (ids.length === 0) throw new LabError(400, 'no valid run ids');
    const list = ids.map((r) => `'${r}'`).join(', ');
    const k = key.replace(/'/g, "''");
    return this.query(
      `SELECT run_id, tick, species, sum(value) AS value FROM metrics WHERE run_id IN (${list}) AND key = '${k}' GROUP BY ALL ORDER BY run_id, tick, species`,
      10_000,
      100_000,
    );
  }

  async listNotebooks(): Promise<Array<{ name: string; title: string }>> {
    const files = (await readdir(this.o.notebooksDir))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .sort();
    return Promise.all(
      files.map(async (f) => ({
        name: basename(f, '.md'),
        title: parseNotebook(await readFile(join(this.o.notebooksDir, f), 'utf8')).title,
      })),
    );
  }

  /** Runs a notebook's cells now, against the current results. */
  async renderNotebook(name: string, params: Record<string, string> = {}): Promise<NotebookResult> {
    if (!NAME.test(name)) throw new LabError(400, `bad notebook name '${name}'`);
    const path = join(this.o.notebooksDir, `${name}.md`);
    try {
      await readFile(path, 'utf8');
    } catch {
      throw new LabError(404, `no notebook '${name}'`);
    }
    return renderNotebookJson(path, { reader: await this.results(), params });
  }
}

/** An error with the HTTP status the lab API answers with. */
export class LabError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ScenarioIssue[],
  ) {
    super(message);
    this.name = 'LabError';
  }
}

import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { TickReport } from '../../engine/world/world.ts';
import type { RunMeta, RunSink, RunStatus, TickFigures } from '../runner/sink.ts';
import { ALLELE_PREFIX, DUCKDB_OPTIONS, RUN_FILE_DDL } from './schema.ts';

/** Where a run's file lives in a results directory. */
export function runFilePath(dir: string, runId: string): string {
  return join(dir, 'runs', `${runId}.duckdb`);
}

/** Options for a run writer. */
export interface RunWriterOptions {
  /** Flush buffered rows at least this often (wall time); each flush opens, appends and closes the file. */
  flushMs?: number;
  /** Flush early when this many rows are buffered. */
  maxBufferedRows?: number;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Records one run into its own DuckDB file. Rows are buffered and appended in batches with the Appender;
 * between flushes the file is closed, so other processes (the CLI, the web lab) can attach it read-only
 * while the run goes on — DuckDB lets one process write a file or many read it, never both at once.
 */
export class RunWriter implements RunSink {
  private metricSeries = new Map<string, number>();
  private geneSeries = new Map<string, number>();
  private newMetricSeries: Array<[number, string, string]> = [];
  private newGeneSeries: Array<[number, string, string, string]> = [];
  // Column buffers (structure of arrays: no object per row).
  private mTick: number[] = [];
  private mZone: number[] = [];
  private mSeries: number[] = [];
  private mValue: number[] = [];
  private gTick: number[] = [];
  private gZone: number[] = [];
  private gSeries: number[] = [];
  private gFreq: number[] = [];
  private events: Array<[number, number, string, number, string | null]> = [];
  private ticks: Array<[number, number, number, number]> = [];
  private hashes: Array<[number, string]> = [];
  private lastFlush = performance.now();
  private readonly flushMs: number;
  private readonly maxRows: number;

  private constructor(
    readonly path: string,
    readonly meta: RunMeta,
    o: RunWriterOptions,
  ) {
    this.flushMs = o.flushMs ?? 1000;
    this.maxRows = o.maxBufferedRows ?? 200_000;
  }

  /**
   * A writer for a run. The file is created at the first flush (within `flushMs` of the start, or at the
   * end of a shorter run), so a short run costs one open of the file in all.
   */
  static async open(dir: string, meta: RunMeta, o: RunWriterOptions = {}): Promise<RunWriter> {
    mkdirSync(join(dir, 'runs'), { recursive: true });
    return new RunWriter(runFilePath(dir, meta.runId), meta, o);
  }

  private created = false;
  private readonly startedAt = new Date().toISOString();

  // Schema and the run row (status running), once, in the same open as the first rows.
  private async create(con: DuckDBConnection): Promise<void> {
    if (this.created) return;
    const m = this.meta;
    await con.run('DELETE FROM run');
    await con.run(
      `INSERT INTO run VALUES ($1, $2, $3::JSON, $4, $5::JSON, $6::TIMESTAMP, NULL, 'running', NULL, NULL)`,
      [
        m.runId,
        m.scenario,
        JSON.stringify(m.params),
        String(m.seed),
        JSON.stringify(m.scenarioJson),
        this.startedAt.replace('T', ' ').replace('Z', ''),
      ],
    );
    this.created = true;
  }

  // Runs `fn` with the run file attached to this thread's host database, then detaches it, so the file
  // is free for readers between flushes. Attaching costs ~1 ms where opening a database costs ~10.
  private withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    return withHost(async (con) => {
      if (!this.created && !existsSync(this.path)) copyFileSync(await templateFile(con), this.path);
      await attachWithRetry(con, this.path, this.alias);
      try {
        await con.run(`USE ${this.alias}`);
        // One transaction per flush: one commit (and one sync of the log) instead of one per table.
        await con.run('BEGIN TRANSACTION');
        const out = await fn(con);
        await con.run('COMMIT');
        return out;
      } catch (err) {
        await con.run('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        await con.run('USE memory');
        await con.run(`DETACH ${this.alias}`);
      }
    });
  }

  private readonly alias = `w${++writerCount}`;

  /** Buffers a tick's metrics, allele frequencies, events and figures. */
  tick(report: TickReport, f: TickFigures): Promise<void> | void {
    for (const m of report.metrics) {
      if (m.key.startsWith(ALLELE_PREFIX)) {
        const rest = m.key.slice(ALLELE_PREFIX.length);
        const dot = rest.lastIndexOf('.');
        const k = `${m.species}\u0000${rest}`;
        let s = this.geneSeries.get(k);
        if (s === undefined) {
          this.geneSeries.set(k, (s = this.geneSeries.size));
          this.newGeneSeries.push([s, m.species, rest.slice(0, dot), rest.slice(dot + 1)]);
        }
        this.gTick.push(m.tick);
        this.gZone.push(m.zone);
        this.gSeries.push(s);
        this.gFreq.push(m.value);
        continue;
      }
      const k = `${m.species}\u0000${m.key}`;
      let s = this.metricSeries.get(k);
      if (s === undefined) {
        this.metricSeries.set(k, (s = this.metricSeries.size));
        this.newMetricSeries.push([s, m.species, m.key]);
      }
      this.mTick.push(m.tick);
      this.mZone.push(m.zone);
      this.mSeries.push(s);
      this.mValue.push(m.value);
    }
    for (const e of report.events)
      this.events.push([
        e.tick,
        e.zone,
        e.kind,
        e.entity,
        e.data === undefined ? null : JSON.stringify(e.data),
      ]);
    this.ticks.push([report.tick, f.durationMs, f.agents, f.bytesOut]);
    if (this.buffered() >= this.maxRows || performance.now() - this.lastFlush >= this.flushMs)
      return this.flush();
  }

  /** Buffers a world hash for a tick. */
  hash(tick: number, worldHash: string): void {
    this.hashes.push([tick, worldHash]);
  }

  private buffered(): number {
    return this.mTick.length + this.gTick.length + this.events.length + this.ticks.length;
  }

  /** Appends everything buffered, in one open/append/close of the file. */
  async flush(): Promise<void> {
    this.lastFlush = performance.now();
    if (
      this.created &&
      this.buffered() === 0 &&
      this.hashes.length === 0 &&
      this.newMetricSeries.length === 0
    )
      return;
    await this.withConnection((con) => this.appendBuffered(con));
  }

  private async appendBuffered(con: DuckDBConnection): Promise<void> {
    {
      await this.create(con);
      await appendRows(con, 'metric_series', this.newMetricSeries, (a, [s, sp, key]) => {
        a.appendUSmallInt(s);
        a.appendVarchar(sp);
        a.appendVarchar(key);
      });
      await appendRows(con, 'gene_series', this.newGeneSeries, (a, [s, sp, locus, allele]) => {
        a.appendUSmallInt(s);
        a.appendVarchar(sp);
        a.appendVarchar(locus);
        a.appendVarchar(allele);
      });
      await appendColumns(con, 'metric_points', this.mTick, this.mZone, this.mSeries, this.mValue);
      await appendColumns(con, 'gene_points', this.gTick, this.gZone, this.gSeries, this.gFreq);
      await appendRows(con, 'event_rows', this.events, (a, [tick, zone, kind, entity, data]) => {
        a.appendInteger(tick);
        a.appendUSmallInt(zone);
        a.appendVarchar(kind);
        a.appendUBigInt(BigInt(entity));
        if (data === null) a.appendNull();
        else a.appendVarchar(data);
      });
      await appendRows(con, 'tick_rows', this.ticks, (a, [tick, ms, agents, bytes]) => {
        a.appendInteger(tick);
        a.appendDouble(ms);
        a.appendInteger(agents);
        a.appendBigInt(BigInt(Math.round(bytes)));
      });
      await appendRows(con, 'hash_rows', this.hashes, (a, [tick, h]) => {
        a.appendInteger(tick);
        a.appendVarchar(h);
      });
    }
    this.newMetricSeries = [];
    this.newGeneSeries = [];
    this.mTick = [];
    this.mZone = [];
    this.mSeries = [];
    this.mValue = [];
    this.gTick = [];
    this.gZone = [];
    this.gSeries = [];
    this.gFreq = [];
    this.events = [];
    this.ticks = [];
    this.hashes = [];
  }

  /** Flushes what is left and marks the run finished, stopped or failed. */
  async finish(
    status: Exclude<RunStatus, 'running'>,
    worldHash: string | null,
    error?: string,
  ): Promise<void> {
    await this.withConnection(async (con) => {
      await this.appendBuffered(con);
      await con.run(
        `UPDATE run SET status = ${sqlString(status)}, finished_at = now()::TIMESTAMP, world_hash = $1, error = $2`,
        [worldHash, error ?? null],
      );
    });
  }
}

async function appendRows<T>(
  con: DuckDBConnection,
  table: string,
  rows: readonly T[],
  write: (a: DuckDBAppender, row: T) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const a = await con.createAppender(table);
  try {
    for (const r of rows) {
      write(a, r);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

async function appendColumns(
  con: DuckDBConnection,
  table: string,
  tick: number[],
  zone: number[],
  series: number[],
  value: number[],
): Promise<void> {
  if (tick.length === 0) return;
  const a = await con.createAppender(table, 'main', currentCatalog);
  try {
    for (let i = 0, n = tick.length; i < n; i++) {
      a.appendInteger(tick[i]);
      a.appendUSmallInt(zone[i]);
      a.appendUSmallInt(series[i]);
      a.appendDouble(value[i]);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

let writerCount = 0;
// The catalog appenders write into: the run file attached for the current flush.
let currentCatalog: string | null = null;

// One in-memory host database per thread; flushes of different runs on this thread take turns on it.
let host: Promise<{ inst: DuckDBInstance; con: DuckDBConnection }> | null = null;
let queue: Promise<unknown> = Promise.resolve();
async function withHost<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  host ??= DuckDBInstance.create(':memory:', DUCKDB_OPTIONS).then(async (inst) => ({
    inst,
    con: await inst.connect(),
  }));
  const { con } = await host;
  const turn = queue.then(() => fn(con));
  queue = turn.catch(() => undefined);
  return turn;
}

let template: string | null = null;
// An empty run file with the schema, made once per thread and copied for each new run.
async function templateFile(con: DuckDBConnection): Promise<string> {
  if (template && existsSync(template)) return template;
  const dir = mkdtempSync(join(tmpdir(), 'arcane-run-template-'));
  const path = join(dir, 'template.duckdb');
  await con.run(`ATTACH '${path}' AS tpl; USE tpl; ${RUN_FILE_DDL} USE memory; DETACH tpl;`);
  template = path;
  return path;
}

// A reader holds the file for a moment while it attaches: wait and try again.
async function attachWithRetry(con: DuckDBConnection, path: string, alias: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await con.run(`ATTACH '${path.replace(/'/g, "''")}' AS ${alias}`);
      currentCatalog = alias;
      return;
    } catch (err) {
      if (attempt >= 200 || !/lock/i.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 10 + attempt));
    }
  }
}

/** Opens the DuckDB sink of a run (the runner's `--db` target). */
export function openRunWriter(dir: string, meta: RunMeta, o?: RunWriterOptions): Promise<RunWriter> {
  return RunWriter.open(dir, meta, o);
}

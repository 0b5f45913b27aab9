import { mkdirSync } from 'node:fs';
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

  /** Creates the run's file with its schema and its `run` row (status running). */
  static async open(dir: string, meta: RunMeta, o: RunWriterOptions = {}): Promise<RunWriter> {
    mkdirSync(join(dir, 'runs'), { recursive: true });
    const w = new RunWriter(runFilePath(dir, meta.runId), meta, o);
    await w.withConnection(async (con) => {
      await con.run(RUN_FILE_DDL);
      await con.run('DELETE FROM run');
      await con.run(
        `INSERT INTO run VALUES ($1, $2, $3::JSON, $4, $5::JSON, now()::TIMESTAMP, NULL, 'running', NULL, NULL)`,
        [
          meta.runId,
          meta.scenario,
          JSON.stringify(meta.params),
          String(meta.seed),
          JSON.stringify(meta.scenarioJson),
        ],
      );
    });
    return w;
  }

  private async withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    const inst = await openWithRetry(this.path);
    const con = await inst.connect();
    try {
      return await fn(con);
    } finally {
      con.closeSync();
      inst.closeSync();
    }
  }

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
    if (this.buffered() === 0 && this.hashes.length === 0 && this.newMetricSeries.length === 0) return;
    await this.withConnection(async (con) => {
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
    });
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
    await this.flush();
    await this.withConnection(async (con) => {
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
  const a = await con.createAppender(table);
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

/** Opens a run file for writing, waiting briefly while a reader holds it. */
async function openWithRetry(path: string): Promise<DuckDBInstance> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await DuckDBInstance.create(path, DUCKDB_OPTIONS);
    } catch (err) {
      if (attempt >= 100 || !/lock/i.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 20 + attempt * 5));
    }
  }
}

/** Opens the DuckDB sink of a run (the runner's `--db` target). */
export function openRunWriter(dir: string, meta: RunMeta, o?: RunWriterOptions): Promise<RunWriter> {
  return RunWriter.open(dir, meta, o);
}

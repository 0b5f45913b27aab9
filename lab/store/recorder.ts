import { mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type * as DuckApi from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type DuckBindings from '@duckdb/node-bindings';
import { bigint64Column, float64Column, int32Column } from './column-buffer.ts';
import { constant, nulls, seriesColumn, writeSegmentFile } from './segment-js.ts';
import type { SegmentColumn } from './segment-js.ts';
import { checkRunId, runDir, segmentName, sqlString, writeFileAtomic } from './layout.ts';
import type { RunDoc } from './layout.ts';
import { DUCKDB_BASE_OPTIONS, POINT_TABLES, RUN_STATUS, segmentsSelect } from './schema.ts';
import type { FinalStatus, PointTable } from './schema.ts';

/** What a run records about itself once, when it starts (never repeated in point rows). */
export interface RunInfo {
  runId: string;
  /** Scenario name (or file). */
  scenario: string;
  /** Parameters of this run (overrides, grid values). Dotted keys are nested: `{'a.b': 1}` → `{a: {b: 1}}`. */
  params?: Record<string, unknown>;
  seed: number | bigint | string;
  /** The validated scenario the run used, so a replay never depends on the file staying the same. */
  scenarioJson?: unknown;
  /** The sweep this run belongs to, if any (groups runs for comparison). */
  sweepId?: string | null;
}

/** Options of a recorder. */
export interface RecorderOptions {
  /** Results directory (`data` by default in the CLI); the run goes to `<root>/runs/<run_id>/`. */
  root: string;
  run: RunInfo;
  /** Write a segment at least this often while rows are buffered (readers see them then). Default 1000 ms. */
  flushMs?: number;
  /** Write a segment as soon as this many rows are buffered. Default 1,000,000. */
  maxBufferedRows?: number;
  /** Merge this many equal-level segments of a table into one. Default 16. */
  mergeFanIn?: number;
  /** Segments are only merged into one of at most this many rows (big segments stay as they are). Default 1,000,000. */
  mergeMaxRows?: number;
  /**
   * DuckDB threads for Parquet encoding. Recorders of one thread share one in-memory DuckDB (creating one
   * costs ~15 ms, a connection almost nothing), so the first recorder of a thread sets this. Default 1:
   * sweeps already keep every core busy.
   */
  threads?: number;
  /**
   * A table's rows of one flush up to this many are written as Parquet in JavaScript on this thread (no
   * DuckDB round trips: ~1 ms instead of ~8 for a short run's segments); more go through DuckDB, which encodes
   * off this thread. Default 20,000.
   */
  jsSegmentMaxRows?: number;
  /** `recordReport` files metric keys `<prefix><locus>.<allele>` under genes. Default `allele.`. */
  geneKeyPrefix?: string;
}

/** One metric sample (any stream: ecology counts, trait moments, combat figures, …). */
export interface MetricRow {
  tick: number;
  zone: number;
  /** Empty when the metric is not per species. */
  species: string;
  key: string;
  value: number;
}

/** One allele frequency. */
export interface GeneRow {
  tick: number;
  zone: number;
  species: string;
  locus: string;
  allele: string;
  freq: number;
}

/** One event (birth, death, capture, …); `data` is stored as JSON. */
export interface EventRow {
  tick: number;
  zone: number;
  kind: string;
  entity: number | bigint;
  data?: unknown;
}

/** Per-tick figures. `clients` and `late` serve load scenarios. */
export interface TickRow {
  tick: number;
  durationMs: number;
  agents: number;
  bytesOut?: number;
  clients?: number;
  late?: boolean;
}

/** What the engine reports per tick (structurally the engine's `TickReport`). */
export interface TickReportLike {
  tick: number;
  metrics: readonly MetricRow[];
  events: ReadonlyArray<{ tick: number; zone: number; kind: string; entity: number; data?: unknown }>;
}

// Rows of one batch, as columns. Species/key (and species/locus/allele) are numbered once per run.
class Batch {
  mTick = int32Column();
  mZone = int32Column();
  mSeries = int32Column();
  mValue = float64Column();
  gTick = int32Column(256);
  gZone = int32Column(256);
  gSeries = int32Column(256);
  gFreq = float64Column(256);
  events: Array<[number, number, string, bigint, string | null]> = [];
  // Tick figures as columns: bytes 0 and `bytesSet` 0 when not measured, clients NaN and late -1 when null.
  tTick = int32Column(1024);
  tMs = float64Column(1024);
  tAgents = int32Column(1024);
  tBytes = bigint64Column(1024);
  tBytesSet = int32Column(1024);
  tClients = float64Column(1024);
  tLate = int32Column(1024);
  /** Some tick measured clients or late ticks (load scenarios). */
  ticksNet = false;
  hashes: Array<[number, string]> = [];
  get rows(): number {
    return (
      this.mTick.length + this.gTick.length + this.events.length + this.tTick.length + this.hashes.length
    );
  }
}

interface SegmentFile {
  from: number;
  to: number;
  level: number;
  rows: number;
  path: string;
}

const CHUNK = 2048;
const JS_SEGMENT_MAX_ROWS = 20_000;
const PARQUET = 'FORMAT parquet, COMPRESSION zstd';
// Columns of each staging table (rows are appended, copied out to a segment, then deleted).
const STAGING_COLUMNS = {
  metrics: 'c0 INTEGER, c1 INTEGER, c2 INTEGER, c3 DOUBLE',
  genes: 'c0 INTEGER, c1 INTEGER, c2 INTEGER, c3 DOUBLE',
  events: 'tick INTEGER, zone INTEGER, kind VARCHAR, entity BIGINT, data VARCHAR',
  ticks: 'tick INTEGER, duration_ms DOUBLE, agents INTEGER, bytes_out BIGINT, clients INTEGER, late BOOLEAN',
  ticks_plain: 'tick INTEGER, duration_ms DOUBLE, agents INTEGER, bytes_out BIGINT',
  hashes: 'tick INTEGER, world_hash VARCHAR',
} as const;
const FINAL_STATUSES: readonly string[] = [RUN_STATUS.finished, RUN_STATUS.stopped, RUN_STATUS.failed];
const NUMERIC_TYPES = ['INTEGER', 'INTEGER', 'INTEGER', 'DOUBLE'] as const;
const TICK_TYPES = ['INTEGER', 'DOUBLE', 'INTEGER', 'BIGINT'] as const;

/** Nests dotted keys: `{'species.wolf.caps.hard': 6}` → `{species: {wolf: {caps: {hard: 6}}}}`. */
export function nestParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const path = k.split('.');
    let at = out;
    for (const p of path.slice(0, -1)) {
      const next = at[p];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) at[p] = {};
      at = at[p] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const prev = at[last];
    at[last] =
      isPlainObject(prev) && isPlainObject(v)
        ? nestParams({ ...(prev as Record<string, unknown>), ...(v as Record<string, unknown>) })
        : v;
  }
  return out;
}

const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Records one run into `<root>/runs/<run_id>/`: rows are buffered as columns and written with the DuckDB
 * Appender into a staging table, then out as an immutable Parquet segment per table and flush (readers in
 * other processes see every flushed segment at once; nothing is locked). Small segments are merged as the
 * run goes and at the end. `record*` calls are synchronous; call `flushIfDue()` once per tick (it returns
 * at once unless a write is due and the previous one is still going).
 */
export class Recorder {
  /** The run's directory. */
  readonly dir: string;
  private batch = new Batch();
  private readonly mSeriesIds = new Map<string, Map<string, number>>();
  private readonly mSeriesNames: Array<[string, string]> = [];
  private readonly gSeriesIds = new Map<string, Map<string, Map<string, number>>>();
  private readonly gSeriesNames: Array<[string, string, string]> = [];
  private readonly files: Record<PointTable, SegmentFile[]> = {
    metrics: [],
    genes: [],
    events: [],
    ticks: [],
    hashes: [],
  };
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private failure: Error | null = null;
  private lastFlushMs = performance.now();
  private lastTick: number | null = null;
  private closed = false;
  private readonly doc: RunDoc;
  private readonly flushMs: number;
  private readonly maxRows: number;
  private readonly fanIn: number;
  private readonly mergeMaxRows: number;
  private readonly genePrefix: string;
  private readonly runIdSql: string;
  private readonly serial = freeSerials.pop() ?? ++recorderCount;
  private readonly madeDirs = new Set<PointTable>();
  private readonly jsMaxRows: number;

  // This recorder's connection to its thread's DuckDB, made when a batch is too big to write in JavaScript or
  // segments are merged: short runs never load DuckDB.
  private con: Promise<DuckDBConnection> | null = null;
  private readonly threads: number;

  private constructor(o: RecorderOptions) {
    const r = o.run;
    this.dir = runDir(o.root, r.runId);
    this.flushMs = o.flushMs ?? 1000;
    this.maxRows = o.maxBufferedRows ?? 1_000_000;
    this.fanIn = Math.max(2, o.mergeFanIn ?? 16);
    this.mergeMaxRows = o.mergeMaxRows ?? 1_000_000;
    this.genePrefix = o.geneKeyPrefix ?? 'allele.';
    this.jsMaxRows = o.jsSegmentMaxRows ?? JS_SEGMENT_MAX_ROWS;
    this.threads = o.threads ?? 1;
    this.runIdSql = sqlString(r.runId);
    this.doc = {
      format: 1,
      run_id: r.runId,
      scenario: r.scenario,
      sweep_id: r.sweepId ?? null,
      params: nestParams(r.params ?? {}),
      seed: String(r.seed),
      started_at: new Date().toISOString(),
      finished_at: null,
      status: RUN_STATUS.running,
      world_hash: null,
      error: null,
      last_tick: null,
      writer: { pid: process.pid, host: hostname() },
    };
  }

  /**
   * Creates the run's directory and its `run.json` (status `running`, visible to readers at once). Fails if
   * the run id is not a safe directory name or a run with that id already exists.
   */
  static async open(o: RecorderOptions): Promise<Recorder> {
    checkRunId(o.run.runId);
    const dir = runDir(o.root, o.run.runId);
    mkdirSync(join(dir, '..'), { recursive: true });
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new Error(`run '${o.run.runId}' already exists in ${o.root} (${dir})`);
      throw err;
    }
    try {
      const rec = new Recorder(o);
      writeFileSync(join(dir, 'scenario.json'), JSON.stringify(o.run.scenarioJson ?? null));
      rec.writeDoc();
      return rec;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** The run's id. */
  get runId(): string {
    return this.doc.run_id;
  }

  /** Rows buffered and not yet handed to a flush. */
  get bufferedRows(): number {
    return this.batch.rows;
  }

  /** Buffers one metric sample. */
  record(m: MetricRow): void {
    if (this.closed) throw this.closedError();
    let byKey = this.mSeriesIds.get(m.species);
    if (byKey === undefined) this.mSeriesIds.set(m.species, (byKey = new Map()));
    let s = byKey.get(m.key);
    if (s === undefined) {
      s = this.mSeriesNames.length;
      byKey.set(m.key, s);
      this.mSeriesNames.push([m.species, m.key]);
    }
    const b = this.batch;
    b.mTick.push(m.tick);
    b.mZone.push(m.zone);
    b.mSeries.push(s);
    b.mValue.push(m.value);
    if (b.mTick.length >= this.maxRows) this.startFlush();
  }

  /** Buffers many metric samples. */
  recordMany(rows: Iterable<MetricRow>): void {
    for (const m of rows) this.record(m);
  }

  /** Buffers one allele frequency. */
  recordGene(g: GeneRow): void {
    if (this.closed) throw this.closedError();
    let byLocus = this.gSeriesIds.get(g.species);
    if (byLocus === undefined) this.gSeriesIds.set(g.species, (byLocus = new Map()));
    let byAllele = byLocus.get(g.locus);
    if (byAllele === undefined) byLocus.set(g.locus, (byAllele = new Map()));
    let s = byAllele.get(g.allele);
    if (s === undefined) {
      s = this.gSeriesNames.length;
      byAllele.set(g.allele, s);
      this.gSeriesNames.push([g.species, g.locus, g.allele]);
    }
    const b = this.batch;
    b.gTick.push(g.tick);
    b.gZone.push(g.zone);
    b.gSeries.push(s);
    b.gFreq.push(g.freq);
    if (b.gTick.length >= this.maxRows) this.startFlush();
  }

  /** Buffers one event. */
  recordEvent(e: EventRow): void {
    if (this.closed) throw this.closedError();
    this.batch.events.push([
      e.tick,
      e.zone,
      e.kind,
      BigInt(e.entity),
      e.data === undefined ? null : JSON.stringify(e.data),
    ]);
    if (this.batch.events.length >= this.maxRows) this.startFlush();
  }

  /** Buffers a tick's figures (and notes the tick as the run's progress). */
  recordTick(t: TickRow): void {
    if (this.closed) throw this.closedError();
    const b = this.batch;
    b.tTick.push(t.tick);
    b.tMs.push(t.durationMs);
    b.tAgents.push(t.agents);
    b.tBytes.push(t.bytesOut === undefined ? 0n : BigInt(Math.round(t.bytesOut)));
    b.tBytesSet.push(t.bytesOut === undefined ? 0 : 1);
    b.tClients.push(t.clients ?? NaN);
    b.tLate.push(t.late === undefined ? -1 : t.late ? 1 : 0);
    if (t.clients !== undefined || t.late !== undefined) b.ticksNet = true;
    if (this.lastTick === null || t.tick > this.lastTick) this.lastTick = t.tick;
  }

  /** Buffers the world hash at a tick (what `replay` checks). */
  recordHash(tick: number, worldHash: string): void {
    if (this.closed) throw this.closedError();
    this.batch.hashes.push([tick, worldHash]);
  }

  /**
   * Buffers an engine tick report: its metrics (keys `allele.<locus>.<allele>` go to genes) and its
   * events. Tick figures and hashes are separate (`recordTick`, `recordHash`).
   */
  recordReport(report: TickReportLike): void {
    const prefix = this.genePrefix;
    for (const m of report.metrics) {
      if (prefix !== '' && m.key.startsWith(prefix)) {
        const rest = m.key.slice(prefix.length);
        const dot = rest.lastIndexOf('.');
        if (dot > 0) {
          this.recordGene({
            tick: m.tick,
            zone: m.zone,
            species: m.species,
            locus: rest.slice(0, dot),
            allele: rest.slice(dot + 1),
            freq: m.value,
          });
          continue;
        }
      }
      this.record(m);
    }
    for (const e of report.events) this.recordEvent(e);
  }

  /**
   * Starts a flush when one is due (`flushMs` elapsed or `maxBufferedRows` reached). Resolves at once,
   * unless a flush is due while two are still being written: then it waits (back-pressure).
   */
  async flushIfDue(): Promise<void> {
    this.throwIfFailed();
    const due =
      this.batch.rows >= this.maxRows ||
      (this.batch.rows > 0 && performance.now() - this.lastFlushMs >= this.flushMs);
    if (!due) return;
    this.startFlush();
    if (this.inFlight > 1) await this.chain;
    this.throwIfFailed();
  }

  /** Writes everything buffered so far and waits until it is on disk and visible to readers. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    this.startFlush();
    await this.chain;
    this.throwIfFailed();
  }

  /**
   * Flushes what is left, merges small segments and marks the run finished, stopped or failed. A run
   * whose recording failed is marked failed (with the recording error) whatever `status` says, and the
   * error is rethrown after the run is closed.
   */
  async close(status: FinalStatus, worldHash: string | null = null, error?: string): Promise<void> {
    if (this.closed) throw new Error(`run '${this.runId}' is already closed (${this.doc.status})`);
    // Callers from plain JS (or the CLI) may pass anything: check at run time too.
    if (!FINAL_STATUSES.includes(status))
      throw new Error(`close() needs finished, stopped or failed (got '${String(status)}')`);
    this.closed = true;
    this.startFlush();
    await this.chain;
    if (!this.failure) {
      this.chain = this.chain.then(() => this.mergeAtClose());
      await this.chain;
    }
    const failure = this.failure as Error | null;
    this.doc.status = failure ? RUN_STATUS.failed : status;
    this.doc.error = failure ? `recording failed: ${failure.message}` : (error ?? null);
    this.doc.world_hash = worldHash;
    this.doc.finished_at = new Date().toISOString();
    this.doc.last_tick = this.lastTick;
    try {
      this.writeDoc();
    } finally {
      if (this.con) await this.con.then((c) => c.closeSync()).catch(() => undefined);
      // The next recorder of this thread reuses the (empty) staging tables.
      freeSerials.push(this.serial);
    }
    if (failure) throw failure;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw this.closedError();
  }

  private closedError(): Error {
    return new Error(`run '${this.runId}' is closed (${this.doc.status}): nothing more can be recorded`);
  }

  // Hands the current batch to the write chain (synchronously swaps in an empty one).
  private startFlush(): void {
    this.lastFlushMs = performance.now();
    const b = this.batch;
    if (b.rows === 0) return;
    this.batch = new Batch();
    const seq = ++this.seq;
    const lastTick = this.lastTick;
    this.inFlight++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.failure) await this.writeBatch(b, seq, lastTick);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      } finally {
        this.inFlight--;
      }
    });
  }

  private async writeBatch(b: Batch, seq: number, lastTick: number | null): Promise<void> {
    try {
      await this.writeSegments(b, seq, lastTick);
    } catch (err) {
      // The staging tables may hold this batch's rows: they are recreated before this serial's next use.
      stagedSerials.delete(this.serial);
      throw err;
    }
  }

  private async writeSegments(b: Batch, seq: number, lastTick: number | null): Promise<void> {
    const run = this.doc.run_id;
    // A table's segment: written here in JavaScript when it is small, else staged into DuckDB and copied out.
    const js: Array<{ table: PointTable; rows: number; columns: () => SegmentColumn[] }> = [];
    const out: Array<{ table: PointTable; rows: number; select: string; stage: string }> = [];
    const small = (rows: number): boolean => rows <= this.jsMaxRows;
    // Metrics and allele frequencies: tick, zone, a series id (numbered once per run) and a value.
    for (const [table, tick, zone, series, value, names] of [
      ['metrics', b.mTick, b.mZone, b.mSeries, b.mValue, this.mSeriesNames],
      ['genes', b.gTick, b.gZone, b.gSeries, b.gFreq, this.gSeriesNames],
    ] as const) {
      const n = tick.length;
      if (n === 0) continue;
      const ids = series.view();
      // The series' parts are the table's columns between zone and the value (species, key | locus, allele).
      const cols = POINT_TABLES[table].map(([c]) => c);
      const parts = cols.slice(3, -1);
      if (small(n))
        js.push({
          table,
          rows: n,
          columns: () => [
            constant(run, n),
            tick.view(),
            zone.view(),
            ...parts.map((_, k) => seriesColumn(ids, names, k)),
            value.view(),
          ],
        });
      else {
        const con = await this.staging();
        const stage = this.stage(table);
        await stageColumns(con, stage, NUMERIC_TYPES, [tick.view(), zone.view(), ids, value.view()]);
        const named = parts.map((c, k) => `${sqlList(names.map((s) => s[k]))}[c2 + 1] AS ${c}`).join(', ');
        out.push({
          table,
          rows: n,
          stage,
          select: `SELECT ${this.runIdSql} AS run_id, c0 AS tick, c1 AS zone, ${named}, c3 AS ${cols.at(-1)} FROM ${stage}`,
        });
      }
    }
    if (b.events.length > 0) {
      const rows = b.events;
      if (small(rows.length))
        js.push({
          table: 'events',
          rows: rows.length,
          columns: () => [
            constant(run, rows.length),
            Int32Array.from(rows, (r) => r[0]),
            Int32Array.from(rows, (r) => r[1]),
            rows.map((r) => r[2]),
            BigInt64Array.from(rows, (r) => r[3]),
            rows.map((r) => r[4]),
          ],
        });
      else {
        const con = await this.staging();
        await stageRows(con, this.stage('events'), rows, (a, [tick, zone, kind, entity, data]) => {
          a.appendInteger(tick);
          a.appendInteger(zone);
          a.appendVarchar(kind);
          a.appendBigInt(entity);
          if (data === null) a.appendNull();
          else a.appendVarchar(data);
        });
        out.push({
          table: 'events',
          rows: rows.length,
          stage: this.stage('events'),
          select: `SELECT ${this.runIdSql} AS run_id, tick, zone, kind, entity, data::JSON AS data FROM ${this.stage('events')}`,
        });
      }
    }
    if (b.tTick.length > 0) {
      const n = b.tTick.length;
      // Runs that measure no clients (ecosystem, combat): bytes 0 where unmeasured, clients and late NULL.
      const net = b.ticksNet;
      const bytesSet = b.tBytesSet.view();
      const clients = b.tClients.view();
      const late = b.tLate.view();
      const bytes = b.tBytes.view();
      const at = (i: number) => ({
        bytes: net && bytesSet[i] === 0 ? null : bytes[i],
        clients: Number.isNaN(clients[i]) ? null : clients[i],
        late: late[i] < 0 ? null : late[i] === 1,
      });
      if (small(n))
        js.push({
          table: 'ticks',
          rows: n,
          columns: () => [
            constant(run, n),
            b.tTick.view(),
            b.tMs.view(),
            b.tAgents.view(),
            net ? Array.from({ length: n }, (_, i) => at(i).bytes) : bytes,
            net ? Array.from({ length: n }, (_, i) => at(i).clients) : nulls(n),
            net ? Array.from({ length: n }, (_, i) => at(i).late) : nulls(n),
          ],
        });
      else {
        const con = await this.staging();
        const stage = this.stage(net ? 'ticks' : 'ticks_plain');
        if (net)
          await stageRows(
            con,
            stage,
            Array.from({ length: n }, (_, i) => i),
            (a, i) => {
              const r = at(i);
              a.appendInteger(b.tTick.view()[i]);
              a.appendDouble(b.tMs.view()[i]);
              a.appendInteger(b.tAgents.view()[i]);
              if (r.bytes === null) a.appendNull();
              else a.appendBigInt(r.bytes);
              if (r.clients === null) a.appendNull();
              else a.appendInteger(r.clients);
              if (r.late === null) a.appendNull();
              else a.appendBoolean(r.late);
            },
          );
        else
          await stageColumns(con, stage, TICK_TYPES, [b.tTick.view(), b.tMs.view(), b.tAgents.view(), bytes]);
        out.push({
          table: 'ticks',
          rows: n,
          stage,
          select: net
            ? `SELECT ${this.runIdSql} AS run_id, * FROM ${stage}`
            : `SELECT ${this.runIdSql} AS run_id, *, NULL::INTEGER AS clients, NULL::BOOLEAN AS late FROM ${stage}`,
        });
      }
    }
    if (b.hashes.length > 0) {
      const rows = b.hashes;
      if (small(rows.length))
        js.push({
          table: 'hashes',
          rows: rows.length,
          columns: () => [
            constant(run, rows.length),
            Int32Array.from(rows, (r) => r[0]),
            rows.map((r) => r[1]),
          ],
        });
      else {
        const con = await this.staging();
        await stageRows(con, this.stage('hashes'), rows, (a, [tick, h]) => {
          a.appendInteger(tick);
          a.appendVarchar(h);
        });
        out.push({
          table: 'hashes',
          rows: rows.length,
          stage: this.stage('hashes'),
          select: `SELECT ${this.runIdSql} AS run_id, * FROM ${this.stage('hashes')}`,
        });
      }
    }
    const written: Array<{ table: PointTable; rows: number; path: string }> = [];
    for (const o of [...js, ...out]) {
      this.tableDir(o.table);
      written.push({ table: o.table, rows: o.rows, path: join(this.dir, o.table, segmentName(seq, seq)) });
    }
    // Each DuckDB segment is written on a connection of its own, in parallel, with its staging table emptied
    // in the same round trip (each statement through the bindings costs about a millisecond beyond its work);
    // the small ones are encoded here meanwhile.
    const copies = Promise.all(
      out.map(async (o, i) =>
        (i === 0 ? await this.connection() : await extraConnection(i - 1)).run(
          `COPY (${o.select}) TO ${sqlString(`${written[js.length + i].path}.tmp`)} (${PARQUET}); DELETE FROM ${o.stage}`,
        ),
      ),
    );
    try {
      for (const [i, o] of js.entries()) writeSegmentFile(`${written[i].path}.tmp`, o.table, o.columns());
    } finally {
      await copies;
    }
    for (const w of written) renameSync(`${w.path}.tmp`, w.path);
    for (const w of written) {
      this.files[w.table].push({ from: seq, to: seq, level: 0, rows: w.rows, path: w.path });
      await this.mergeTail(w.table);
    }
    this.doc.last_tick = lastTick;
    // A closing run's run.json is written once, by close(), with its final status.
    if (!this.closed) this.writeDoc();
  }

  // A table's directory, made when its first segment is written (readers take a missing one as empty).
  private tableDir(table: PointTable): void {
    if (this.madeDirs.has(table)) return;
    try {
      mkdirSync(join(this.dir, table));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.madeDirs.add(table);
  }

  private connection(): Promise<DuckDBConnection> {
    this.con ??= sharedInstance(this.threads).then((i) => i.connect());
    return this.con;
  }

  // This recorder's connection, with its staging tables (a free serial's tables exist already, and are empty).
  private async staging(): Promise<DuckDBConnection> {
    const con = await this.connection();
    if (stagedSerials.has(this.serial)) return con;
    await con.run(
      Object.entries(STAGING_COLUMNS)
        .map(([t, ddl]) => `CREATE OR REPLACE TABLE ${this.stage(t)} (${ddl})`)
        .join(';\n'),
    );
    stagedSerials.add(this.serial);
    return con;
  }

  // Merges the last `fanIn` segments when they are all of one level (an LSM-style tail): a long run keeps
  // O(fanIn · log n) files, and each row is rewritten O(log n) times.
  private async mergeTail(table: PointTable): Promise<void> {
    const files = this.files[table];
    for (;;) {
      const n = files.length;
      if (n < this.fanIn) break;
      const tail = files.slice(n - this.fanIn);
      const level = tail[0].level;
      if (!tail.every((f) => f.level === level)) break;
      if (tail.reduce((s, f) => s + f.rows, 0) > this.mergeMaxRows) break;
      files.splice(n - this.fanIn, this.fanIn, await this.merge(table, tail, level + 1));
    }
  }

  // At the end, fold the trailing small segments of each table into one (of at most `mergeMaxRows`).
  private async mergeAtClose(): Promise<void> {
    for (const table of Object.keys(this.files) as PointTable[]) {
      const files = this.files[table];
      let k = files.length;
      let rows = 0;
      while (k > 0 && rows + files[k - 1].rows <= this.mergeMaxRows) rows += files[--k].rows;
      if (files.length - k < 2) continue;
      const tail = files.slice(k);
      const level = Math.max(...tail.map((f) => f.level)) + 1;
      files.splice(k, tail.length, await this.merge(table, tail, level));
    }
  }

  private async merge(table: PointTable, parts: SegmentFile[], level: number): Promise<SegmentFile> {
    const from = parts[0].from;
    const to = parts[parts.length - 1].to;
    const path = join(this.dir, table, segmentName(from, to));
    await copyToParquet(
      await this.connection(),
      segmentsSelect(table, sqlList(parts.map((p) => p.path))),
      path,
    );
    // The merged file is in place: readers now prefer it, so the parts can go.
    for (const p of parts) unlinkSync(p.path);
    return { from, to, level, rows: parts.reduce((n, p) => n + p.rows, 0), path };
  }

  // Staging tables are per recorder: recorders of a thread share one DuckDB.
  private stage(table: string): string {
    return `stage_${this.serial}_${table}`;
  }

  private writeDoc(): void {
    writeFileAtomic(join(this.dir, 'run.json'), JSON.stringify(this.doc));
  }
}

let recorderCount = 0;
const freeSerials: number[] = [];
// Serials whose staging tables exist in this thread's DuckDB.
const stagedSerials = new Set<number>();
// More connections to this thread's DuckDB, shared by its recorders for writing segments in parallel.
const extraConnections: Array<Promise<DuckDBConnection>> = [];
function extraConnection(i: number): Promise<DuckDBConnection> {
  while (extraConnections.length <= i)
    extraConnections.push(sharedInstance(1).then((inst) => inst.connect()));
  return extraConnections[i];
}
let shared: Promise<DuckDBInstance> | null = null;
let modules: Promise<DuckModules> | null = null;

interface DuckModules {
  api: typeof DuckApi;
  bindings: typeof DuckBindings;
}

// DuckDB's modules, loaded on first use (~0.1 s a thread, which runs whose segments are all small skip).
function duckModules(): Promise<DuckModules> {
  modules ??= Promise.all([import('@duckdb/node-api'), import('@duckdb/node-bindings')]).then(
    // The bindings are CommonJS: their exports are the namespace's default.
    ([api, bindings]) => ({
      api,
      bindings: (bindings as unknown as { default: DuckModules['bindings'] }).default,
    }),
  );
  return modules;
}

// The in-memory DuckDB the recorders of this thread stage their batches in (created on first use).
function sharedInstance(threads: number): Promise<DuckDBInstance> {
  shared ??= duckModules().then(({ api }) =>
    api.DuckDBInstance.create(':memory:', { ...DUCKDB_BASE_OPTIONS, threads: String(threads) }),
  );
  return shared.catch((err: unknown) => {
    shared = null;
    throw err;
  });
}

// Copies a query's rows to a Parquet file, atomically (a reader sees the whole file or none).
async function copyToParquet(con: DuckDBConnection, select: string, path: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await con.run(`COPY (${select}) TO ${sqlString(tmp)} (${PARQUET})`);
  renameSync(tmp, path);
}

// Appends typed-array columns (`types` in order, no NULLs) to the empty staging table `name` in data chunks,
// each column copied into its vector in one call: per-value appends cost ~0.25 µs each through the bindings,
// which is most of a short run's recording.
async function stageColumns(
  con: DuckDBConnection,
  name: string,
  typeNames: ReadonlyArray<'INTEGER' | 'DOUBLE' | 'BIGINT'>,
  cols: ReadonlyArray<Int32Array | Float64Array | BigInt64Array>,
): Promise<void> {
  const { api, bindings: duckdb } = await duckModules();
  const types = typeNames.map((t) => api[t]);
  const n = cols[0].length;
  const a = await con.createAppender(name);
  try {
    for (let off = 0; off < n; off += CHUNK) {
      const len = Math.min(CHUNK, n - off);
      const chunk = api.DuckDBDataChunk.create(types, len);
      for (let c = 0; c < cols.length; c++) {
        const src = cols[c];
        const w = src.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(
          duckdb.data_chunk_get_vector(chunk.chunk, c),
          0,
          src.buffer as ArrayBuffer,
          src.byteOffset + off * w,
          len * w,
        );
      }
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

// Appends `rows` to the empty staging table `name`, row by row.
async function stageRows<T>(
  con: DuckDBConnection,
  name: string,
  rows: readonly T[],
  write: (a: DuckDBAppender, row: T) => void,
): Promise<void> {
  const a = await con.createAppender(name);
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

const sqlList = (items: readonly string[]): string => `([${items.map(sqlString).join(', ')}]::VARCHAR[])`;

/** Opens a recorder for a run (see `Recorder`). */
export function openRecorder(o: RecorderOptions): Promise<Recorder> {
  return Recorder.open(o);
}

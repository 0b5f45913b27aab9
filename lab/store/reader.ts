import { copyFileSync, mkdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DuckDBTypeId, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { listRuns, readScenarioJson } from './catalog.ts';
import type { RunEntry } from './catalog.ts';
import { duckDbMessage, openDuckDb } from './duckdb.ts';
import type { DuckDbHandle } from './duckdb.ts';
import { checkReadOnlySql, QueryError } from './guard.ts';
import { runsDir, sqlString } from './layout.ts';
import {
  columnsDdl,
  emptySelect,
  POINT_TABLE_NAMES,
  POINT_TABLES,
  RESULT_TABLES,
  RUNS_COLUMNS,
  segmentsSelect,
} from './schema.ts';
import type { PointTable } from './schema.ts';

export { QueryError } from './guard.ts';

/** Limits of one read-only query. */
export interface QueryOptions {
  /** Interrupt the query after this long. Default 10,000 ms. */
  timeoutMs?: number;
  /** Return at most this many rows; `truncated` says whether there were more. Default 10,000. */
  maxRows?: number;
}

/** A query's rows, JSON-safe: integers as numbers when exact (else strings), JSON columns parsed. */
export interface QueryResult {
  columns: string[];
  /** DuckDB type of each column (`INTEGER`, `DOUBLE`, `VARCHAR`, `JSON`, `TIMESTAMP`, …). */
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
}

/** Export file format. */
export type ExportFormat = 'parquet' | 'csv';

/** Where and how to export. */
export interface ExportOptions {
  format: ExportFormat;
  /** Output file (a directory for `exportRun(…, {table: 'all'})`). Parent directories are created. */
  out: string;
  timeoutMs?: number;
}

/** What an export wrote. */
export interface ExportResult {
  paths: string[];
  rows: number;
}

/** Options of a reader. */
export interface ReaderOptions {
  /** Re-scan the results directory before each query (sees new runs and new segments). Default true. */
  autoRefresh?: boolean;
  /** DuckDB threads for queries. Default: DuckDB's (all cores). */
  threads?: number;
}

/** The recorded world hashes and what is needed to re-run a run exactly. */
export interface ReplayData {
  runId: string;
  scenario: string;
  scenarioJson: unknown;
  params: Record<string, unknown>;
  /** The seed exactly as the run got it. */
  seed: string;
  hashes: Map<number, string>;
  worldHash: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ROWS = 10_000;
const MISSING_FILE = /No files found|Cannot open file|No such file|could not open/i;

/**
 * Read-only access to every run of a results directory, from any process, while runs are being
 * recorded: an in-memory DuckDB whose views (`runs`, `metrics`, `genes`, `events`, `ticks`, `hashes`)
 * read the runs' Parquet segments. External access is off and the configuration locked once the views
 * exist (only the runs directory stays readable), and user SQL is checked to be one SELECT over these
 * tables before it runs (see `checkReadOnlySql`). Nothing here ever writes a run.
 */
export class ResultsReader {
  private entries: RunEntry[] = [];
  private signature = '';
  private readonly scenarios = new Map<string, unknown>();
  private lock: Promise<unknown> = Promise.resolve();
  private exportCount = 0;
  private closed = false;

  private constructor(
    /** The results directory. */
    readonly root: string,
    private readonly db: DuckDbHandle,
    private readonly exportDir: string,
    private readonly autoRefresh: boolean,
  ) {}

  /** Opens a reader over `root` (an empty or missing directory reads as empty tables). */
  static async open(root: string, o: ReaderOptions = {}): Promise<ResultsReader> {
    const abs = resolve(root);
    const db = await openDuckDb(':memory:', o.threads ? { threads: String(o.threads) } : {});
    const exportDir = join(tmpdir(), `arcane-export-${process.pid}-${++readerCount}`);
    try {
      await db.con.run(`CREATE TABLE runs (${columnsDdl(RUNS_COLUMNS)})`);
      await db.con.run(`CREATE TABLE runs_raw (${RUNS_COLUMNS.map(([n]) => `${n} VARCHAR`).join(', ')})`);
      for (const t of POINT_TABLE_NAMES)
        await db.con.run(`CREATE VIEW ${t} AS ${emptySelect(POINT_TABLES[t])}`);
      // From here on DuckDB itself refuses every file but the run segments (and our export staging).
      await db.con.run(`SET parquet_metadata_cache = true`);
      await db.con.run(
        `SET allowed_directories = [${sqlString(`${runsDir(abs)}/`)}, ${sqlString(`${exportDir}/`)}]`,
      );
      await db.con.run(`SET enable_external_access = false`);
      await db.con.run(`SET lock_configuration = true`);
    } catch (err) {
      db.close();
      throw err;
    }
    const reader = new ResultsReader(abs, db, exportDir, o.autoRefresh ?? true);
    await reader.refresh();
    return reader;
  }

  /** The runs found at the last refresh (run.json, effective status, live segment files). */
  get runEntries(): readonly RunEntry[] {
    return this.entries;
  }

  /** Re-scans the results directory and points the views at the current segments. */
  refresh(): Promise<void> {
    return this.exclusive(async () => {
      // A recorder may merge (and delete) segments between our listing and the views' binding: list again.
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.rebuild();
        } catch (err) {
          if (attempt >= 5 || !MISSING_FILE.test(duckDbMessage(err))) throw err;
        }
      }
    });
  }

  private async rebuild(): Promise<void> {
    {
      const entries = listRuns(this.root);
      const signature = JSON.stringify(
        entries.map((e) => [e.runId, e.status, e.error, e.doc.last_tick, e.doc.finished_at, e.files]),
      );
      if (signature === this.signature) return;
      const con = this.db.con;
      await con.run('BEGIN TRANSACTION');
      try {
        await con.run('DELETE FROM runs_raw');
        const a = await con.createAppender('runs_raw');
        try {
          for (const e of entries) {
            const d = e.doc;
            if (!this.scenarios.has(e.runId))
              this.scenarios.set(e.runId, readScenarioJson(this.root, e.runId));
            const row: Array<string | null> = [
              d.run_id,
              d.scenario,
              JSON.stringify(d.params ?? {}),
              d.seed,
              d.started_at,
              d.finished_at,
              e.status,
              d.world_hash,
              d.sweep_id,
              e.error,
              d.last_tick === null || d.last_tick === undefined ? null : String(d.last_tick),
              d.seed,
              JSON.stringify(this.scenarios.get(e.runId) ?? null),
            ];
            for (const v of row) {
              if (v === null) a.appendNull();
              else a.appendVarchar(v);
            }
            a.endRow();
          }
          a.flushSync();
        } finally {
          a.closeSync();
        }
        await con.run('DELETE FROM runs');
        await con.run(
          `INSERT INTO runs SELECT run_id, scenario, params::JSON, TRY_CAST(seed AS BIGINT), started_at::TIMESTAMP,
             finished_at::TIMESTAMP, status, world_hash, sweep_id, error, last_tick::INTEGER, seed_text,
             scenario_json::JSON FROM runs_raw ORDER BY started_at, run_id`,
        );
        for (const t of POINT_TABLE_NAMES) {
          const files = entries.flatMap((e) => e.files[t]);
          await con.run(
            `CREATE OR REPLACE VIEW ${t} AS ${
              files.length === 0
                ? emptySelect(POINT_TABLES[t])
                : segmentsSelect(t, `[${files.map(sqlString).join(', ')}]`)
            }`,
          );
        }
        await con.run('COMMIT');
      } catch (err) {
        await con.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
      this.entries = entries;
      this.signature = signature;
    }
  }

  /**
   * Runs one read-only SELECT over the result tables, interrupted after `timeoutMs`, at most `maxRows`
   * rows returned. Throws `QueryError` (with `kind`) for refused, invalid, timed-out or failed queries;
   * a bad query never affects the reader or the runs.
   */
  async query(sql: string, o: QueryOptions = {}): Promise<QueryResult> {
    const text = normalizeSql(sql);
    await this.prepareFor(text);
    return this.withRetry(() => this.execute(text, o));
  }

  /** Every run (the `runs` table), oldest first. */
  async runs(): Promise<Array<Record<string, unknown>>> {
    const r = await this.query('SELECT * EXCLUDE (scenario_json) FROM runs ORDER BY started_at, run_id', {
      maxRows: 1_000_000,
    });
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
  }

  /** Writes a read-only query's result to a Parquet or CSV file (checked like `query`). */
  async exportQuery(sql: string, o: ExportOptions): Promise<ExportResult> {
    const text = normalizeSql(sql);
    await this.prepareFor(text);
    const rows = await this.withRetry(() => this.copyOut(text, o.out, o.format, o.timeoutMs));
    return { paths: [resolve(o.out)], rows };
  }

  /**
   * Exports one run: a table of it to a file (`table`, default `metrics`; `runs` for its row), or with
   * `table: 'all'` every table to `<out>/<table>.<format>`.
   */
  async exportRun(
    runId: string,
    o: ExportOptions & { table?: PointTable | 'runs' | 'all' },
  ): Promise<ExportResult> {
    if (this.autoRefresh) await this.refresh();
    if (!this.entries.some((e) => e.runId === runId))
      throw new QueryError(`no run '${runId}' in ${this.root}`, 'invalid');
    const table = o.table ?? 'metrics';
    const one = (t: PointTable | 'runs'): string =>
      t === 'runs'
        ? `SELECT * FROM runs WHERE run_id = ${sqlString(runId)}`
        : `SELECT * FROM ${t} WHERE run_id = ${sqlString(runId)} ORDER BY tick`;
    if (table !== 'all') {
      const rows = await this.withRetry(() => this.copyOut(one(table), o.out, o.format, o.timeoutMs));
      return { paths: [resolve(o.out)], rows };
    }
    const paths: string[] = [];
    let rows = 0;
    for (const t of ['runs', ...POINT_TABLE_NAMES] as const) {
      const path = join(o.out, `${t}.${o.format}`);
      rows += await this.withRetry(() => this.copyOut(one(t), path, o.format, o.timeoutMs));
      paths.push(resolve(path));
    }
    return { paths, rows };
  }

  /** A run's seed, scenario and recorded world hashes: what `replay` needs to re-run and compare. */
  async replayData(runId: string): Promise<ReplayData> {
    if (this.autoRefresh) await this.refresh();
    const e = this.entries.find((x) => x.runId === runId);
    if (!e) throw new QueryError(`no run '${runId}' in ${this.root}`, 'invalid');
    const r = await this.query(
      `SELECT tick, world_hash FROM hashes WHERE run_id = ${sqlString(runId)} ORDER BY tick`,
      { maxRows: Number.MAX_SAFE_INTEGER, timeoutMs: 60_000 },
    );
    return {
      runId,
      scenario: e.doc.scenario,
      scenarioJson: this.scenarios.get(runId) ?? readScenarioJson(this.root, runId),
      params: e.doc.params,
      seed: e.doc.seed,
      hashes: new Map(r.rows.map(([tick, h]) => [Number(tick), String(h)])),
      worldHash: e.doc.world_hash,
    };
  }

  /** Closes the reader (the runs are only ever read). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    rmSync(this.exportDir, { recursive: true, force: true });
  }

  // Refreshes (if automatic) and checks the SQL, on the internal connection.
  private async prepareFor(text: string): Promise<void> {
    if (this.closed) throw new QueryError('the reader is closed', 'failed');
    if (this.autoRefresh) await this.refresh();
    await this.exclusive(() => checkReadOnlySql(this.db.con, text, RESULT_TABLES));
  }

  // A merge may delete segments between a refresh and the query that reads them: refresh and retry.
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        // Missing segments show up when the query binds (invalid) or runs (failed).
        const missing =
          err instanceof QueryError &&
          (err.kind === 'failed' || err.kind === 'invalid') &&
          MISSING_FILE.test(err.message);
        if (!missing || attempt >= 3) throw err;
        await this.refresh();
      }
    }
  }

  private async execute(text: string, o: QueryOptions): Promise<QueryResult> {
    const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRows = o.maxRows ?? DEFAULT_MAX_ROWS;
    const t0 = performance.now();
    const con = await this.db.instance.connect();
    try {
      const stmt = await prepareOne(con, text);
      if (stmt.statementType !== StatementType.SELECT)
        throw new QueryError(
          `the results are read-only here: only SELECT runs (got ${StatementType[stmt.statementType]})`,
          'refused',
        );
      const reader = await withTimeout(con, timeoutMs, () => stmt.streamAndReadUntil(maxRows + 1));
      const truncated = reader.currentRowCount > maxRows;
      const rows = jsonRows(reader);
      return {
        columns: reader.columnNames(),
        types: reader.columnTypes().map((t) => (t.alias ? t.alias : t.toString())),
        rows: truncated ? rows.slice(0, maxRows) : rows,
        truncated,
        elapsedMs: performance.now() - t0,
      };
    } finally {
      con.closeSync();
    }
  }

  // COPY a checked SELECT to a staging file inside the allowed export directory, then move it to `out`.
  private async copyOut(
    select: string,
    out: string,
    format: 'parquet' | 'csv',
    timeoutMs = 60_000,
  ): Promise<number> {
    if (format !== 'parquet' && format !== 'csv')
      throw new QueryError(`export format must be parquet or csv (got '${String(format)}')`, 'invalid');
    mkdirSync(this.exportDir, { recursive: true });
    const staged = join(this.exportDir, `${++this.exportCount}.${format}`);
    const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
    const con = await this.db.instance.connect();
    try {
      const reader = await withTimeout(con, timeoutMs, async () =>
        (await prepareOne(con, `COPY (${select}) TO ${sqlString(staged)} (${options})`)).runAndReadAll(),
      );
      const target = resolve(out);
      mkdirSync(dirname(target), { recursive: true });
      try {
        renameSync(staged, target);
      } catch {
        copyFileSync(staged, target);
        unlinkSync(staged);
      }
      return Number(reader.getRowsJS()[0]?.[0] ?? 0);
    } finally {
      con.closeSync();
      rmSync(staged, { force: true });
    }
  }

  // Serializes use of the internal connection (refresh, checks).
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn);
    this.lock = next.catch(() => undefined);
    return next;
  }
}

let readerCount = 0;

/** Opens a reader over a results directory (see `ResultsReader`). */
export function openReader(root: string, o?: ReaderOptions): Promise<ResultsReader> {
  return ResultsReader.open(root, o);
}

/** Opens a reader, runs one read-only query and closes it (the CLI's `query`). */
export async function queryResults(root: string, sql: string, o?: QueryOptions): Promise<QueryResult> {
  const reader = await ResultsReader.open(root);
  try {
    return await reader.query(sql, o);
  } finally {
    reader.close();
  }
}

function normalizeSql(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trim();
}

async function prepareOne(con: DuckDBConnection, text: string) {
  try {
    const extracted = await con.extractStatements(text);
    if (extracted.count !== 1)
      throw new QueryError(`one statement per query, please (got ${extracted.count})`, 'refused');
    return await extracted.prepare(0);
  } catch (err) {
    if (err instanceof QueryError) throw err;
    throw new QueryError(duckDbMessage(err), 'invalid');
  }
}

async function withTimeout<T>(con: DuckDBConnection, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    con.interrupt();
  }, timeoutMs);
  try {
    return await run();
  } catch (err) {
    if (err instanceof QueryError) throw err;
    if (timedOut) throw new QueryError(`query interrupted after ${timeoutMs} ms (time limit)`, 'timeout');
    throw new QueryError(duckDbMessage(err), 'failed');
  } finally {
    clearTimeout(timer);
  }
}

const BIG_INTEGER_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

// JSON rows with numbers where they are exact and JSON columns parsed.
function jsonRows(reader: DuckDBResultReader): unknown[][] {
  const types = reader.columnTypes();
  const conv = types.map((t): ((v: unknown) => unknown) | null => {
    if (t.alias === 'JSON')
      return (v) => {
        try {
          return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
        } catch {
          return v;
        }
      };
    if (BIG_INTEGER_TYPES.has(t.typeId))
      return (v) => {
        if (typeof v !== 'string') return v;
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      };
    if (t.typeId === DuckDBTypeId.DECIMAL) return (v) => (typeof v === 'string' ? Number(v) : v);
    return null;
  });
  const rows = reader.getRowsJson() as unknown[][];
  if (conv.every((c) => c === null)) return rows;
  for (const row of rows)
    for (let c = 0; c < row.length; c++) {
      const f = conv[c];
      if (f && row[c] !== null) row[c] = f(row[c]);
    }
  return rows;
}

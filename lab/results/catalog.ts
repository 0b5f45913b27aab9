import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_OPTIONS, RESULT_TABLES, RUN_FILE_DDL } from './schema.ts';

/** A query the catalog refused or that failed, with a message fit for the user. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Rows of a query, JSON-safe. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

/** Options for a read-only query. */
export interface QueryOptions {
  /** Interrupt the query after this long. Default 10 s. */
  timeoutMs?: number;
  /** Return at most this many rows (the rest are dropped, `truncated` says so). Default 10,000. */
  maxRows?: number;
}

const WRITE_KEYWORDS =
  /^\s*(insert|update|delete|create|drop|alter|copy|attach|detach|set|reset|pragma|install|load|export|import|call|vacuum|checkpoint|truncate|merge|use)\b/i;
const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Run files in a results directory, oldest first by name (run ids sort by time). */
export function listRunFiles(dir: string): string[] {
  const runs = join(dir, 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs)
    .filter((f) => f.endsWith('.duckdb'))
    .sort()
    .map((f) => join(runs, f));
}

/**
 * A read-only view of every run in a results directory: an in-memory DuckDB that attaches each run file
 * READ_ONLY and unions them into the tables of the lab spec (runs, metrics, genes, events, ticks,
 * hashes). User SQL may only read: one SELECT statement, no file access (external access is switched
 * off and the configuration locked after set-up), interrupted after a time limit.
 */
export class ResultsCatalog {
  private constructor(
    readonly dir: string,
    private inst: DuckDBInstance,
    private con: DuckDBConnection,
    readonly runFiles: string[],
  ) {}

  /** Opens the catalog of a results directory (an empty one is fine: the tables are empty). */
  static async open(dir: string): Promise<ResultsCatalog> {
    const { inst, con, files } = await openUnion(dir);
    await con.run('SET enable_external_access = false; SET lock_configuration = true;');
    return new ResultsCatalog(dir, inst, con, files);
  }

  /**
   * Checks that `sql` is one read-only SELECT (as `query` would run it) and writes its result to a
   * Parquet or CSV file. Only the COPY itself runs with file access, on a separate in-memory database.
   */
  async exportQuery(sql: string, out: string, format: 'parquet' | 'csv'): Promise<{ rows: number }> {
    const text = sql.trim().replace(/;\s*$/, '');
    await this.query(`SELECT * FROM (${text}) LIMIT 0`);
    const { inst, con } = await openUnion(this.dir);
    try {
      const r = await con.runAndReadAll(
        `COPY (${text}) TO ${quoteStr(resolve(out))} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`,
      );
      const rows = Number((r.getRows()[0]?.[0] as bigint | undefined) ?? 0);
      return { rows };
    } catch (err) {
      throw new QueryError(cleanMessage(err));
    } finally {
      con.closeSync();
      inst.closeSync();
    }
  }

  /** Runs one read-only SELECT with a time limit and a row cap. */
  async query(sql: string, o: QueryOptions = {}): Promise<QueryResult> {
    const text = sql.trim().replace(/;\s*$/, '');
    if (!text) throw new QueryError('empty query');
    let stmt;
    try {
      const extracted = await this.con.extractStatements(text);
      if (extracted.count !== 1)
        throw new QueryError(`one statement at a time, please (got ${extracted.count})`);
      stmt = await extracted.prepare(0);
    } catch (err) {
      if (err instanceof QueryError) throw err;
      if (WRITE_KEYWORDS.test(text))
        throw new QueryError(
          `the results are read-only: only SELECT queries run here (${cleanMessage(err)})`,
        );
      throw new QueryError(cleanMessage(err));
    }
    const type = stmt.statementType;
    if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN)
      throw new QueryError(
        `the results are read-only: only SELECT queries run here (got ${StatementType[type] ?? type})`,
      );
    const timeoutMs = o.timeoutMs ?? 10_000;
    const maxRows = o.maxRows ?? 10_000;
    const t0 = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.con.interrupt();
    }, timeoutMs);
    try {
      const reader = await stmt.runAndReadUntil(maxRows + 1);
      const rows = reader.getRowsJson() as unknown[][];
      const truncated = rows.length > maxRows;
      return {
        columns: reader.columnNames(),
        rows: truncated ? rows.slice(0, maxRows) : rows,
        truncated,
        ms: performance.now() - t0,
      };
    } catch (err) {
      if (timedOut) throw new QueryError(`query interrupted after ${timeoutMs} ms (time limit)`);
      throw new QueryError(cleanMessage(err));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the in-memory database (run files are only ever read). */
  close(): void {
    this.con.closeSync();
    this.inst.closeSync();
  }
}

// An in-memory DuckDB with every run file attached read-only and the spec's tables as union views.
async function openUnion(
  dir: string,
): Promise<{ inst: DuckDBInstance; con: DuckDBConnection; files: string[] }> {
  const inst = await DuckDBInstance.create(':memory:', DUCKDB_OPTIONS);
  const con = await inst.connect();
  const files = listRunFiles(dir);
  await con.run(`ATTACH ':memory:' AS empty_run; USE empty_run; ${RUN_FILE_DDL} USE memory;`);
  const attached: string[] = ['empty_run'];
  for (const [k, file] of files.entries()) {
    const alias = `r${k}`;
    if (await attachWithRetry(con, file, alias)) attached.push(alias);
  }
  for (const t of RESULT_TABLES)
    await con.run(
      `CREATE VIEW ${t} AS ${attached.map((a) => `SELECT * FROM ${quoteIdent(a)}.${t}`).join(' UNION ALL ')}`,
    );
  return { inst, con, files };
}

async function attachWithRetry(con: DuckDBConnection, file: string, alias: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await con.run(`ATTACH ${quoteStr(resolve(file))} AS ${quoteIdent(alias)} (READ_ONLY)`);
      return true;
    } catch (err) {
      const msg = String((err as Error).message);
      // A run is flushing (it holds the file for a moment): wait and try again.
      if (/lock/i.test(msg) && attempt < 100) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      process.emitWarning(`skipping ${basename(file)}: ${msg.split('\n')[0]}`);
      return false;
    }
  }
}

function cleanMessage(err: unknown): string {
  return String(err instanceof Error ? err.message : err)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 3)
    .join(' ');
}

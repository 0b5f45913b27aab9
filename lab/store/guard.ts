import type { DuckDBConnection } from '@duckdb/node-api';
import { duckDbMessage } from './duckdb.ts';
import { sqlString } from './layout.ts';

/** A query the store refused or that failed, with a message fit for the user. */
export class QueryError extends Error {
  constructor(
    message: string,
    /** `refused` (not allowed here), `invalid` (bad SQL), `timeout`, or `failed` (error while running). */
    readonly kind: 'refused' | 'invalid' | 'timeout' | 'failed',
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * Table functions a read-only query may call: generators and JSON helpers over values, nothing that
 * reads a file, a URL, a database or the configuration.
 */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range',
  'generate_series',
  'unnest',
  'json_each',
  'json_tree',
]);

/** The statements the SQL console and notebooks accept. */
const READ_ONLY_HINT =
  'the results are read-only here: one SELECT (or WITH … SELECT, FROM …, DESCRIBE) per query';

/**
 * Checks, before anything runs, that `sql` is exactly one SELECT over the result tables: parsed by DuckDB
 * (`json_serialize_sql`, which only serializes SELECT statements), every table reference is one of
 * `tables` or a CTE of the query, and every table function is in `ALLOWED_TABLE_FUNCTIONS`. This refuses
 * writes, DDL, SET/PRAGMA/ATTACH/COPY/INSTALL/LOAD, file paths in FROM, and read_csv/read_parquet/glob/…,
 * with a message that says why. The reader also switches external access off and locks its
 * configuration: this check gives the clear message, the settings are the wall behind it.
 */
export async function checkReadOnlySql(
  con: DuckDBConnection,
  sql: string,
  tables: readonly string[],
): Promise<void> {
  if (sql.trim() === '') throw new QueryError('empty query', 'invalid');
  let count: number;
  try {
    count = (await con.extractStatements(sql)).count;
  } catch (err) {
    throw new QueryError(duckDbMessage(err), 'invalid');
  }
  if (count !== 1) throw new QueryError(`one statement per query, please (got ${count})`, 'refused');
  let ast: SerializedSql;
  try {
    const r = await con.runAndReadAll(`SELECT json_serialize_sql(${sqlString(sql)}::VARCHAR)`);
    ast = JSON.parse(String(r.getRowsJson()[0][0])) as SerializedSql;
  } catch (err) {
    throw new QueryError(duckDbMessage(err), 'invalid');
  }
  if (ast.error) {
    const msg = ast.error_message ?? 'cannot parse the query';
    if (ast.error_type === 'parser') throw new QueryError(`syntax error: ${msg}`, 'invalid');
    const word = firstWord(sql);
    if (['SELECT', 'WITH', 'FROM', 'VALUES', 'DESCRIBE', 'SUMMARIZE', 'SHOW', 'TABLE'].includes(word))
      throw new QueryError(
        `this query cannot be checked as read-only, please rephrase it (${msg})`,
        'refused',
      );
    throw new QueryError(`${READ_ONLY_HINT} (${word} is not allowed)`, 'refused');
  }
  const statements = ast.statements ?? [];
  if (statements.length !== 1)
    throw new QueryError(`one statement per query, please (got ${statements.length})`, 'refused');
  const known = new Set(tables.map((t) => t.toLowerCase()));
  for (const name of cteNames(statements[0])) known.add(name.toLowerCase());
  walk(statements[0], (node) => {
    if (node.type === 'BASE_TABLE') {
      const name = String(node.table_name ?? '');
      const catalog = String(node.catalog_name ?? '');
      const schema = String(node.schema_name ?? '');
      const qualified = [catalog, schema, name].filter(Boolean).join('.');
      if (/[/\\]|\.\w+$|^\w+:/.test(name))
        throw new QueryError(
          `file access is not allowed here ('${name}'): query the result tables (${tables.join(', ')})`,
          'refused',
        );
      if (
        !known.has(name.toLowerCase()) ||
        !['', 'memory'].includes(catalog) ||
        !['', 'main'].includes(schema)
      )
        throw new QueryError(
          `unknown table '${qualified}': the results have ${tables.join(', ')}`,
          'invalid',
        );
    } else if (node.type === 'TABLE_FUNCTION') {
      const fn = node.function as { function_name?: string } | undefined;
      const name = String(fn?.function_name ?? '').toLowerCase();
      if (!ALLOWED_TABLE_FUNCTIONS.has(name))
        throw new QueryError(
          `table function ${name}() is not allowed here: no file, database or settings access from the results (allowed: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')})`,
          'refused',
        );
    }
  });
}

interface SerializedSql {
  error: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

type AstNode = Record<string, unknown> & { type?: unknown };

function walk(n: unknown, visit: (node: AstNode) => void): void {
  if (Array.isArray(n)) {
    for (const x of n) walk(x, visit);
  } else if (n !== null && typeof n === 'object') {
    visit(n as AstNode);
    for (const v of Object.values(n)) walk(v, visit);
  }
}

// Names bound by WITH clauses anywhere in the statement (`cte_map.map[].key`).
function cteNames(stmt: unknown): string[] {
  const out: string[] = [];
  walk(stmt, (node) => {
    const cte = node.cte_map as { map?: Array<{ key?: unknown }> } | undefined;
    for (const e of cte?.map ?? []) if (typeof e.key === 'string') out.push(e.key);
  });
  return out;
}

function firstWord(sql: string): string {
  return (/^\s*([A-Za-z]+)/.exec(sql)?.[1] ?? 'this statement').toUpperCase();
}

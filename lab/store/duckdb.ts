import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_BASE_OPTIONS } from './schema.ts';

/** An instance and one connection on it. */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  con: DuckDBConnection;
  close(): void;
}

/**
 * Opens a DuckDB database (`:memory:` by default) with the lab's base settings: extensions are never
 * installed or loaded behind our back (parquet and json are built in; httpfs would download).
 */
export async function openDuckDb(
  path = ':memory:',
  options: Record<string, string> = {},
): Promise<DuckDbHandle> {
  const instance = await DuckDBInstance.create(path, { ...DUCKDB_BASE_OPTIONS, ...options });
  const con = await instance.connect();
  return {
    instance,
    con,
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** The first lines of a DuckDB error, without the stack or the docs link. */
export function duckDbMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('LINE ') && !/^\^+$/.test(l))
    .slice(0, 3)
    .join(' ');
}

/**
 * The results schema, in one place: the tables of the lab spec with their DuckDB types. The recorder writes
 * these columns to Parquet segments and the reader exposes them as views of the same names.
 */

/** How a run ended (or that it is still going). */
export const RUN_STATUS = {
  running: 'running',
  finished: 'finished',
  stopped: 'stopped',
  failed: 'failed',
} as const;

/** One of `running`, `finished`, `stopped`, `failed`. */
export type RunStatus = (typeof RUN_STATUS)[keyof typeof RUN_STATUS];

/** A status a run may end with. */
export type FinalStatus = Exclude<RunStatus, 'running'>;

/** Column name and DuckDB type, in file order. */
export type ColumnDef = readonly [name: string, type: string];

/** The point tables a run appends to (one directory of Parquet segments each). */
export const POINT_TABLES = {
  metrics: [
    ['run_id', 'VARCHAR'],
    ['tick', 'INTEGER'],
    ['zone', 'INTEGER'],
    ['species', 'VARCHAR'],
    ['key', 'VARCHAR'],
    ['value', 'DOUBLE'],
  ],
  genes: [
    ['run_id', 'VARCHAR'],
    ['tick', 'INTEGER'],
    ['zone', 'INTEGER'],
    ['species', 'VARCHAR'],
    ['locus', 'VARCHAR'],
    ['allele', 'VARCHAR'],
    ['freq', 'DOUBLE'],
  ],
  events: [
    ['run_id', 'VARCHAR'],
    ['tick', 'INTEGER'],
    ['zone', 'INTEGER'],
    ['kind', 'VARCHAR'],
    ['entity', 'BIGINT'],
    ['data', 'JSON'],
  ],
  // `clients` and `late` serve load scenarios (bytes per client, late ticks); NULL when not measured.
  ticks: [
    ['run_id', 'VARCHAR'],
    ['tick', 'INTEGER'],
    ['duration_ms', 'DOUBLE'],
    ['agents', 'INTEGER'],
    ['bytes_out', 'BIGINT'],
    ['clients', 'INTEGER'],
    ['late', 'BOOLEAN'],
  ],
  hashes: [
    ['run_id', 'VARCHAR'],
    ['tick', 'INTEGER'],
    ['world_hash', 'VARCHAR'],
  ],
} as const satisfies Record<string, readonly ColumnDef[]>;

/** Name of a point table. */
export type PointTable = keyof typeof POINT_TABLES;

/** The point tables in a fixed order. */
export const POINT_TABLE_NAMES = Object.keys(POINT_TABLES) as PointTable[];

/**
 * The `runs` table: one row per run, parameters stored here once (never in point rows). `seed` is the seed as
 * an integer (NULL if the run used a string seed), `seed_text` exactly as given; `last_tick` is the last tick
 * flushed so far (live progress); `scenario_json` is the validated scenario the run used, for replay.
 */
export const RUNS_COLUMNS = [
  ['run_id', 'VARCHAR'],
  ['scenario', 'VARCHAR'],
  ['params', 'JSON'],
  ['seed', 'BIGINT'],
  ['started_at', 'TIMESTAMP'],
  ['finished_at', 'TIMESTAMP'],
  ['status', 'VARCHAR'],
  ['world_hash', 'VARCHAR'],
  ['sweep_id', 'VARCHAR'],
  ['error', 'VARCHAR'],
  ['last_tick', 'INTEGER'],
  ['seed_text', 'VARCHAR'],
  ['scenario_json', 'JSON'],
] as const satisfies readonly ColumnDef[];

/** Every table a reader exposes. */
export const RESULT_TABLES = ['runs', ...POINT_TABLE_NAMES] as const;

/** Settings for every DuckDB instance of the lab: extensions never download, never autoload. */
export const DUCKDB_BASE_OPTIONS: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/**
 * A `SELECT` of a point table's columns over its segments (`files`: an SQL list of paths), in the table's
 * types whichever writer made each file: JSON columns of segments written in JavaScript read as VARCHAR.
 */
export function segmentsSelect(table: PointTable, files: string): string {
  const cols = POINT_TABLES[table].map(([n, t]) => (t === 'JSON' ? `${n}::JSON AS ${n}` : n)).join(', ');
  return `SELECT ${cols} FROM read_parquet(${files}, union_by_name = true)`;
}

/** `CREATE TABLE` column list for a table definition. */
export function columnsDdl(cols: readonly ColumnDef[]): string {
  return cols.map(([n, t]) => `${n} ${t}`).join(', ');
}

/** A typed, empty `SELECT` with the table's columns (what a view reads when there are no files yet). */
export function emptySelect(cols: readonly ColumnDef[]): string {
  return `SELECT ${cols.map(([n, t]) => `NULL::${t} AS ${n}`).join(', ')} WHERE false`;
}

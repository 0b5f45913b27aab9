/**
 * One DuckDB file per run (`<dir>/runs/<run_id>.duckdb`). Low-cardinality labels (species, metric key,
 * locus, allele) are stored once in series tables and referenced by number in the point tables, which
 * keeps ingest fast; views give the tables of the lab spec, with `run_id`, so a run file opened alone
 * or attached into the catalog reads the same.
 */
export const RUN_FILE_DDL = `
CREATE TABLE IF NOT EXISTS run (
  run_id VARCHAR, scenario VARCHAR, params JSON, seed VARCHAR, scenario_json JSON,
  started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, world_hash VARCHAR, error VARCHAR
);
CREATE TABLE IF NOT EXISTS metric_series (series USMALLINT, species VARCHAR, key VARCHAR);
CREATE TABLE IF NOT EXISTS metric_points (tick INTEGER, zone USMALLINT, series USMALLINT, value DOUBLE);
CREATE TABLE IF NOT EXISTS gene_series (series USMALLINT, species VARCHAR, locus VARCHAR, allele VARCHAR);
CREATE TABLE IF NOT EXISTS gene_points (tick INTEGER, zone USMALLINT, series USMALLINT, freq DOUBLE);
CREATE TABLE IF NOT EXISTS event_rows (tick INTEGER, zone USMALLINT, kind VARCHAR, entity UBIGINT, data JSON);
CREATE TABLE IF NOT EXISTS tick_rows (tick INTEGER, duration_ms DOUBLE, agents INTEGER, bytes_out BIGINT);
CREATE TABLE IF NOT EXISTS hash_rows (tick INTEGER, world_hash VARCHAR);
CREATE OR REPLACE VIEW runs AS SELECT run_id, scenario, params, seed, started_at, finished_at, status, world_hash, error, scenario_json FROM run;
CREATE OR REPLACE VIEW metrics AS
  SELECT r.run_id, p.tick, p.zone, s.species, s.key, p.value FROM metric_points p JOIN metric_series s USING (series), run r;
CREATE OR REPLACE VIEW genes AS
  SELECT r.run_id, p.tick, p.zone, s.species, s.locus, s.allele, p.freq FROM gene_points p JOIN gene_series s USING (series), run r;
CREATE OR REPLACE VIEW events AS SELECT r.run_id, e.tick, e.zone, e.kind, e.entity, e.data FROM event_rows e, run r;
CREATE OR REPLACE VIEW ticks AS SELECT r.run_id, t.tick, t.duration_ms, t.agents, t.bytes_out FROM tick_rows t, run r;
CREATE OR REPLACE VIEW hashes AS SELECT r.run_id, h.tick, h.world_hash FROM hash_rows h, run r;
`;

/** The tables (views) of the lab spec that the catalog unions over every run. */
export const RESULT_TABLES = ['runs', 'metrics', 'genes', 'events', 'ticks', 'hashes'] as const;

/** DuckDB settings for every instance: extensions never download or autoload. */
export const DUCKDB_OPTIONS: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/** Metric keys that carry allele frequencies (`allele.<locus>.<allele>`) go to the genes table. */
export const ALLELE_PREFIX = 'allele.';

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb.ts';
import { liveSegments, runDir, sqlString } from './layout.ts';
import { QueryError, ResultsReader } from './reader.ts';
import { Recorder } from './recorder.ts';
import { lines, spawnFixture, tempRoot } from './test-helpers.ts';

let root: string;
let cleanup: () => void;
let reader: ResultsReader;

async function recordRun(runId: string, ticks: number, params: Record<string, unknown> = {}): Promise<void> {
  const rec = await Recorder.open({ root, run: { runId, scenario: 'test', seed: 1, params } });
  for (let tick = 1; tick <= ticks; tick++) {
    for (const species of ['sheep', 'wolf'])
      rec.record({ tick, zone: 0, species, key: 'count', value: species === 'wolf' ? tick : 100 - tick });
    rec.recordTick({ tick, durationMs: tick / 10, agents: 2 });
    if (tick % 10 === 0) rec.recordHash(tick, `h${tick}`);
  }
  await rec.close('finished', `h${ticks}`);
}

beforeEach(async () => {
  ({ root, cleanup } = tempRoot());
  await recordRun('a', 50, { 'species.wolf.caps.hard': 6 });
  reader = await ResultsReader.open(root);
});
afterEach(() => {
  reader.close();
  cleanup();
});

async function refusal(sql: string): Promise<QueryError> {
  try {
    await reader.query(sql);
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error(`query was not refused: ${sql}`);
}

describe('ResultsReader.query', () => {
  it('answers SELECTs over the runs with JSON-safe rows', async () => {
    const r = await reader.query(
      `SELECT species, count(*) AS n, max(value) AS top, any_value(run_id) AS run FROM metrics GROUP BY species ORDER BY species`,
    );
    expect(r.columns).toEqual(['species', 'n', 'top', 'run']);
    expect(r.types).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'VARCHAR']);
    expect(r.rows).toEqual([
      ['sheep', 50, 99, 'a'],
      ['wolf', 50, 50, 'a'],
    ]);
    expect(r.truncated).toBe(false);
  });

  it.each([
    ['INSERT INTO runs (run_id) VALUES (1)', /read-only.*INSERT is not allowed/],
    [`UPDATE runs SET status = 'x'`, /read-only.*UPDATE is not allowed/],
    ['DELETE FROM metrics', /read-only.*DELETE is not allowed/],
    ['CREATE TABLE t AS SELECT 1', /read-only.*CREATE is not allowed/],
    ['DROP VIEW metrics', /read-only.*DROP is not allowed/],
    [`ATTACH '/tmp/x.duckdb' AS x`, /read-only.*ATTACH is not allowed/],
    [`COPY metrics TO '/tmp/out.csv'`, /read-only.*COPY is not allowed/],
    ['PRAGMA version', /read-only.*PRAGMA is not allowed/],
    ['SET enable_external_access = true', /read-only.*SET is not allowed/],
    ['INSTALL httpfs', /read-only.*INSTALL is not allowed/],
    ['LOAD httpfs', /read-only.*LOAD is not allowed/],
    [`EXPORT DATABASE '/tmp/db'`, /read-only.*EXPORT is not allowed/],
    ['SELECT 1; DROP VIEW metrics', /one statement per query/],
    [`SELECT * FROM read_csv('/etc/passwd')`, /table function read_csv\(\) is not allowed/],
    [`SELECT * FROM read_parquet('x.parquet')`, /table function read_parquet\(\) is not allowed/],
    [`SELECT * FROM read_json('x.json')`, /table function read_json\(\) is not allowed/],
    [`SELECT * FROM read_text('/etc/hostname')`, /table function read_text\(\) is not allowed/],
    [`SELECT * FROM glob('/*')`, /table function glob\(\) is not allowed/],
    [`SELECT * FROM '/etc/passwd'`, /file access is not allowed here \('\/etc\/passwd'\)/],
    [`SELECT * FROM 'data.csv'`, /file access is not allowed here/],
    [
      `SELECT * FROM metrics WHERE tick IN (SELECT 1 FROM read_csv('/etc/passwd'))`,
      /read_csv\(\) is not allowed/,
    ],
    [`WITH x AS (SELECT * FROM glob('/*')) SELECT * FROM x`, /glob\(\) is not allowed/],
    [`SELECT * FROM duckdb_settings()`, /duckdb_settings\(\) is not allowed/],
    [`SELECT * FROM query('SELECT 1')`, /query\(\) is not allowed/],
    ['SELECT * FROM runs_raw', /unknown table 'runs_raw'/],
    ['SELECT * FROM system.main.duckdb_tables', /unknown table/],
  ])('refuses %s', async (sql, message) => {
    const err = await refusal(sql);
    expect(err.message).toMatch(message);
    // Nothing changed and the reader still answers.
    expect((await reader.query('SELECT count(*) FROM metrics')).rows[0][0]).toBe(100);
  });

  it('has file access switched off and its configuration locked in DuckDB itself', async () => {
    const r = await reader.query(
      `SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')`,
    );
    expect(r.rows[0]).toEqual([false, true, false, false]);
  });

  it('says what is wrong with bad SQL and keeps working', async () => {
    expect((await refusal('SELEC 1')).message).toMatch(/syntax error.*SELEC/);
    const missing = await refusal('SELECT nosuch FROM metrics');
    expect(missing.kind).toBe('invalid');
    expect(missing.message).toMatch(/nosuch/);
    expect((await refusal('SELECT * FROM nowhere')).message).toMatch(
      /unknown table 'nowhere': the results have runs, metrics, genes, events, ticks, hashes/,
    );
    const failing = await refusal(`SELECT CAST('abc' AS INTEGER)`);
    expect(failing.kind).toBe('failed');
    expect(failing.message).toMatch(/Conversion Error/);
    expect((await reader.query('SELECT count(*) FROM runs')).rows).toEqual([[1]]);
  });

  it('interrupts a query at its time limit', async () => {
    const t0 = performance.now();
    const err = await reader
      .query('SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b', { timeoutMs: 200 })
      .then(
        () => null,
        (e: unknown) => e as QueryError,
      );
    const ms = performance.now() - t0;
    expect(err?.kind).toBe('timeout');
    expect(err?.message).toMatch(/interrupted after 200 ms/);
    expect(ms).toBeLessThan(5000);
    expect((await reader.query('SELECT count(*) FROM ticks')).rows).toEqual([[50]]);
  });

  it('returns at most maxRows rows and says it truncated', async () => {
    const r = await reader.query('SELECT * FROM metrics', { maxRows: 7 });
    expect(r.rows).toHaveLength(7);
    expect(r.truncated).toBe(true);
    const all = await reader.query('SELECT * FROM metrics', { maxRows: 100 });
    expect(all.rows).toHaveLength(100);
    expect(all.truncated).toBe(false);
  });

  it('sees runs added after it opened', async () => {
    await recordRun('b', 5);
    expect((await reader.query('SELECT run_id, last_tick FROM runs ORDER BY run_id')).rows).toEqual([
      ['a', 50],
      ['b', 5],
    ]);
    expect((await reader.query(`SELECT count(*) FROM metrics WHERE run_id = 'b'`)).rows).toEqual([[10]]);
  });

  it('reads an empty results directory as empty tables', async () => {
    const empty = tempRoot();
    const r = await ResultsReader.open(join(empty.root, 'nothing-here'));
    try {
      expect(
        (await r.query('SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM metrics)')).rows,
      ).toEqual([[0, 0]]);
    } finally {
      r.close();
      empty.cleanup();
    }
  });

  it('gives replay what it needs: seed, scenario, params and the recorded hashes', async () => {
    const d = await reader.replayData('a');
    expect(d.seed).toBe('1');
    expect(d.params).toEqual({ species: { wolf: { caps: { hard: 6 } } } });
    expect([...d.hashes.keys()]).toEqual([10, 20, 30, 40, 50]);
    expect(d.hashes.get(30)).toBe('h30');
    expect(d.worldHash).toBe('h50');
    await expect(reader.replayData('nope')).rejects.toThrow(/no run 'nope'/);
  });
});

describe('export', () => {
  it('writes a run to Parquet that reads back identical', async () => {
    const out = join(root, 'exports', 'a-metrics.parquet');
    const res = await reader.exportRun('a', { format: 'parquet', out });
    expect(res.rows).toBe(100);
    const db = await openDuckDb();
    try {
      const back = await db.con.runAndReadAll(
        `SELECT run_id, tick, zone, species, key, value FROM read_parquet(${sqlString(out)}) ORDER BY tick, species`,
      );
      const direct = await reader.query('SELECT * FROM metrics ORDER BY tick, species', { maxRows: 1000 });
      expect(back.getRowsJson()).toEqual(direct.rows);
      const types = await db.con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(out)})`);
      expect(types.getRowsJson().map((r) => [r[0], r[1]])).toEqual([
        ['run_id', 'VARCHAR'],
        ['tick', 'INTEGER'],
        ['zone', 'INTEGER'],
        ['species', 'VARCHAR'],
        ['key', 'VARCHAR'],
        ['value', 'DOUBLE'],
      ]);
    } finally {
      db.close();
    }
  });

  it('writes a query result to CSV with a header, and overwrites an existing file', async () => {
    const out = join(root, 'q.csv');
    for (let i = 0; i < 2; i++) {
      const res = await reader.exportQuery(
        `SELECT tick, duration_ms FROM ticks WHERE tick <= 3 ORDER BY tick`,
        {
          format: 'csv',
          out,
        },
      );
      expect(res.rows).toBe(3);
    }
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'tick,duration_ms',
      '1,0.1',
      '2,0.2',
      '3,0.3',
    ]);
  });

  it('exports every table of a run into a directory', async () => {
    const out = join(root, 'all');
    const res = await reader.exportRun('a', { format: 'csv', out, table: 'all' });
    expect(res.paths.map((p) => p.slice(out.length + 1))).toEqual([
      'runs.csv',
      'metrics.csv',
      'genes.csv',
      'events.csv',
      'ticks.csv',
      'hashes.csv',
    ]);
    expect(res.rows).toBe(1 + 100 + 0 + 0 + 50 + 5);
    expect(readFileSync(join(out, 'hashes.csv'), 'utf8').split('\n')[1]).toBe('a,10,h10');
  });

  it('refuses to export a write or a file read, and an unknown run', async () => {
    await expect(
      reader.exportQuery('DELETE FROM metrics', { format: 'csv', out: join(root, 'x.csv') }),
    ).rejects.toThrow(/read-only/);
    await expect(
      reader.exportQuery(`SELECT * FROM read_csv('/etc/passwd')`, {
        format: 'csv',
        out: join(root, 'x.csv'),
      }),
    ).rejects.toThrow(/read_csv\(\) is not allowed/);
    await expect(
      reader.exportRun('zzz', { format: 'parquet', out: join(root, 'x.parquet') }),
    ).rejects.toThrow(/no run 'zzz'/);
    expect(existsSync(join(root, 'x.csv'))).toBe(false);
  });
});

describe('reading while a run records', () => {
  it('a reader in another process sees the rows of a run in progress, then the finished run', async () => {
    const rec = await Recorder.open({ root, run: { runId: 'live', scenario: 'test', seed: 1 }, flushMs: 25 });
    const child = spawnFixture('reader-child.ts', [root, 'live']);
    const out = lines(child);
    await out.waitFor(/"status":"running"/);
    const rowsPerTick = 500;
    let tick = 0;
    // Record for a while, flushing as the recorder decides, while the child polls.
    const until = performance.now() + 1500;
    while (performance.now() < until || !out.all.some((l) => /"count":[1-9]\d*,"status":"running"/.test(l))) {
      tick++;
      for (let i = 0; i < rowsPerTick; i++)
        rec.record({ tick, zone: i % 4, species: 's', key: 'k', value: i });
      rec.recordTick({ tick, durationMs: 1, agents: rowsPerTick });
      await rec.flushIfDue();
      await new Promise((r) => setTimeout(r, 5));
    }
    await rec.close('finished', 'done');
    expect(await out.exited, out.stderr.join('')).toBe(0);
    const seen = out.all.map((l) => JSON.parse(l) as { count: number; status: string });
    const live = seen.filter((s) => s.status === 'running' && s.count > 0);
    const total = tick * rowsPerTick;
    expect(live.length, out.stderr.join('')).toBeGreaterThan(0);
    // Whole flushes only (never part of a segment), and some before the run had recorded everything.
    expect(live.filter((s) => s.count % rowsPerTick !== 0)).toEqual([]);
    expect(live.some((s) => s.count < total)).toBe(true);
    // Counts only grow, and the last poll sees the finished run whole.
    for (let i = 1; i < seen.length; i++) expect(seen[i].count).toBeGreaterThanOrEqual(seen[i - 1].count);
    expect(seen[seen.length - 1]).toEqual({ count: total, status: 'finished' });
    expect(liveSegments(runDir(root, 'live'), 'metrics').length).toBeGreaterThanOrEqual(1);
  });
});

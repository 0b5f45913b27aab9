import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { replayRun } from '../lab/runner/replay.ts';
import { ResultsReader } from '../lab/store/index.ts';

const exec = promisify(execFile);
const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'lab/cli/bin.mjs');
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'arcane-lab-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function arcane(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('sweeps recorded in DuckDB', () => {
  const db = tempDir();
  let runIds: string[] = [];

  it('a sweep of 3 values × 4 seeds yields 12 runs with the right parameters, stored once per run', async () => {
    const r = await arcane([
      'sweep',
      'scenarios/wolfsheep-small.yaml',
      '--grid',
      'species.wolf.reproduction.probability=0.05,0.1,0.15',
      '--seeds',
      '1..4',
      '--workers',
      '2',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ runs: 12, planned: 12, failed: 0 });
    runIds = summary.runIds;
    const cat = await ResultsReader.open(db);
    try {
      const rows = (
        await cat.query(
          `SELECT params->>'$.species.wolf.reproduction.probability' AS p, seed, status, count(*) OVER () AS n FROM runs ORDER BY p, seed`,
        )
      ).rows;
      expect(rows.map((x) => `${x[0]}/${x[1]}/${x[2]}`)).toEqual(
        ['0.05', '0.1', '0.15'].flatMap((p) => ['1', '2', '3', '4'].map((s) => `${p}/${s}/finished`)),
      );
      // Parameters live in runs only: the metrics table has no parameter columns.
      const cols = (await cat.query('SELECT * FROM metrics LIMIT 1')).columns;
      expect(cols).toEqual(['run_id', 'tick', 'zone', 'species', 'key', 'value']);
      const perRun = (await cat.query(`SELECT count(DISTINCT run_id) FROM metrics WHERE key = 'count'`))
        .rows[0][0];
      expect(Number(perRun)).toBe(12);
    } finally {
      cat.close();
    }
  });

  it('replay of any run matches its recorded hashes', async () => {
    const report = await replayRun(db, runIds[7]);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(5);
  });

  it('query refuses writes and file access with a clear message, and keeps working', async () => {
    const cat = await ResultsReader.open(db);
    try {
      await expect(cat.query('DELETE FROM runs')).rejects.toThrow(/read-only/);
      await expect(cat.query('CREATE TABLE x AS SELECT 1')).rejects.toThrow(/read-only/);
      await expect(cat.query("ATTACH '/tmp/evil.duckdb' AS evil")).rejects.toThrow(/read-only/);
      await expect(cat.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(
        /read_csv\(\) is not allowed/,
      );
      await expect(cat.query("COPY runs TO '/tmp/out.csv'")).rejects.toThrow(/read-only/);
      await expect(cat.query('SELECT 1; SELECT 2')).rejects.toThrow(/one statement/);
      await expect(cat.query('SELEC 1')).rejects.toThrow(/syntax error/);
      expect(Number((await cat.query('SELECT count(*) FROM runs')).rows[0][0])).toBe(12);
    } finally {
      cat.close();
    }
    const cli = await arcane(['query', db, 'DROP TABLE runs']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/read-only/);
  });

  it('a long query is interrupted at its time limit', async () => {
    const cat = await ResultsReader.open(db);
    try {
      await expect(
        cat.query('SELECT count(*) FROM range(10000000000) a', { timeoutMs: 200 }),
      ).rejects.toThrow(/interrupted after 200 ms/);
    } finally {
      cat.close();
    }
  });

  it('exports a run to Parquet and a query to CSV, and reads them back', async () => {
    const out = join(db, 'm.parquet');
    const r = await arcane(['export', runIds[0], '--db', db, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const csv = join(db, 't.csv');
    expect(
      (
        await arcane([
          'export',
          '--query',
          'SELECT tick, agents FROM ticks ORDER BY tick LIMIT 5',
          '--format',
          'csv',
          '--db',
          db,
          '--out',
          csv,
        ])
      ).code,
    ).toBe(0);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const con = await inst.connect();
    const n = (await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${out}')`)).getRowsJS()[0][0];
    const c = (await con.runAndReadAll(`SELECT count(*) FROM read_csv('${csv}')`)).getRowsJS()[0][0];
    con.closeSync();
    inst.closeSync();
    expect(Number(n)).toBeGreaterThan(100);
    expect(Number(c)).toBe(5);
  });
});

describe('reading while a run records', () => {
  it('another process reads a run’s results while the run is still writing them', async () => {
    const db = tempDir();
    const child = spawn(
      process.execPath,
      [BIN, 'run', 'scenarios/demo.yaml', '--ticks', '6000', '--db', db, '--json'],
      { cwd: ROOT },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Wait for the run file and at least one flush, then read it from this process.
    let seen = 0;
    for (let k = 0; k < 100 && seen === 0; k++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(join(db, 'runs'))) continue;
      const cat = await ResultsReader.open(db);
      try {
        const rows = (await cat.query('SELECT status, (SELECT count(*) FROM ticks) FROM runs')).rows;
        if (rows.length && Number(rows[0][1]) > 0) {
          seen = Number(rows[0][1]);
          expect(rows[0][0]).toBe('running');
        }
      } finally {
        cat.close();
      }
    }
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(0);
    expect(seen).toBeGreaterThan(0);
    const cat = await ResultsReader.open(db);
    const rows = (await cat.query('SELECT status, (SELECT max(tick) FROM ticks) FROM runs')).rows;
    cat.close();
    expect(rows[0]).toEqual(['finished', 6000]);
    expect(seen).toBeLessThan(6000);
  });

  it('Ctrl-C (SIGINT) stops a run cleanly: recorded rows stay and the run is marked stopped', async () => {
    const db = tempDir();
    const child = spawn(
      process.execPath,
      [BIN, 'run', 'scenarios/wolfsheep-large.yaml', '--ticks', '100000', '--db', db, '--json'],
      { cwd: ROOT },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    for (let k = 0; k < 100 && !existsSync(join(db, 'runs')); k++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    expect(code).toBe(0);
    const summary = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(summary.status).toBe('stopped');
    const cat = await ResultsReader.open(db);
    const rows = (
      await cat.query(
        'SELECT status, (SELECT max(tick) FROM ticks), (SELECT max(tick) FROM hashes) FROM runs',
      )
    ).rows;
    cat.close();
    expect(rows[0][0]).toBe('stopped');
    expect(Number(rows[0][1])).toBe(summary.ticks);
    expect(Number(rows[0][2])).toBe(summary.ticks);
    // The stopped run replays up to where it stopped.
    expect((await replayRun(db, summary.runId)).ok).toBe(true);
  });
});

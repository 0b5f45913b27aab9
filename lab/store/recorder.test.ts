import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb.ts';
import { liveSegments, runDir, segmentName, sqlString } from './layout.ts';
import type { RunDoc } from './layout.ts';
import { ResultsReader } from './reader.ts';
import { nestParams, Recorder } from './recorder.ts';
import { POINT_TABLE_NAMES, POINT_TABLES, RUNS_COLUMNS } from './schema.ts';
import type { FinalStatus } from './schema.ts';
import { lines, spawnFixture, tempRoot } from './test-helpers.ts';

let root: string;
let cleanup: () => void;
const readers: ResultsReader[] = [];
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => {
  for (const r of readers.splice(0)) r.close();
  cleanup();
});

async function reader(): Promise<ResultsReader> {
  const r = await ResultsReader.open(root);
  readers.push(r);
  return r;
}

const open = (runId: string, extra: Partial<Parameters<typeof Recorder.open>[0]> = {}) =>
  Recorder.open({ root, run: { runId, scenario: 'test', seed: 42 }, flushMs: 60_000, ...extra });

async function scalar(r: ResultsReader, sql: string): Promise<unknown> {
  return (await r.query(sql)).rows[0][0];
}

function recordTicks(rec: Recorder, from: number, to: number): void {
  for (let tick = from; tick <= to; tick++)
    for (const species of ['sheep', 'wolf'])
      rec.record({ tick, zone: tick % 3, species, key: 'count', value: tick * (species === 'wolf' ? 2 : 1) });
}

describe('Recorder', () => {
  it('makes a run visible as running as soon as it opens, with its parameters stored once', async () => {
    const rec = await Recorder.open({
      root,
      run: {
        runId: 'r1',
        scenario: 'wolves',
        seed: 7,
        sweepId: 'sw1',
        params: { 'species.wolf.caps.hard': 6, 'species.wolf.caps.soft': 4, ticks: 100 },
        scenarioJson: { kind: 'ecosystem' },
      },
    });
    const r = await reader();
    const run = (await r.runs())[0];
    expect(run).toMatchObject({
      run_id: 'r1',
      scenario: 'wolves',
      status: 'running',
      seed: 7,
      sweep_id: 'sw1',
    });
    expect(run.params).toEqual({ species: { wolf: { caps: { hard: 6, soft: 4 } } }, ticks: 100 });
    expect(await scalar(r, `SELECT params->>'$.species.wolf.caps.hard' FROM runs`)).toBe('6');
    expect(await scalar(r, `SELECT scenario_json->>'$.kind' FROM runs`)).toBe('ecosystem');
    // Point rows carry the run id only: no parameter columns.
    expect((await r.query('SELECT * FROM metrics LIMIT 0')).columns).toEqual(
      POINT_TABLES.metrics.map((c) => c[0]),
    );
    await rec.close('finished', 'h');
  });

  it('exposes the tables of the lab spec with their types', async () => {
    const rec = await open('r1');
    const r = await reader();
    for (const t of POINT_TABLE_NAMES) {
      const d = await r.query(`DESCRIBE ${t}`);
      expect(
        d.rows.map((row) => [row[0], row[1]]),
        t,
      ).toEqual(POINT_TABLES[t].map(([n, ty]) => [n, ty]));
    }
    const d = await r.query('DESCRIBE runs');
    expect(d.rows.map((row) => [row[0], row[1]])).toEqual(RUNS_COLUMNS.map(([n, ty]) => [n, ty]));
    await rec.close('finished');
  });

  it('appends in batches: each flush is one Parquet segment per table, readable before the run ends', async () => {
    const rec = await open('r1', { mergeFanIn: 100 });
    const r = await reader();
    recordTicks(rec, 1, 10);
    rec.recordTick({ tick: 10, durationMs: 2, agents: 5 });
    await rec.flush();
    expect(await scalar(r, 'SELECT count(*) FROM metrics')).toBe(20);
    expect(await scalar(r, 'SELECT last_tick FROM runs')).toBe(10);
    recordTicks(rec, 11, 20);
    await rec.flush();
    recordTicks(rec, 21, 30);
    await rec.flush();
    expect(liveSegments(rec.dir, 'metrics').map((s) => [s.from, s.to])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await scalar(r, 'SELECT count(*) FROM metrics')).toBe(60);
    expect(await scalar(r, `SELECT sum(value) FROM metrics WHERE species = 'wolf'`)).toBe(
      2 * ((30 * 31) / 2),
    );
    expect(await scalar(r, 'SELECT status FROM runs')).toBe('running');
    await rec.close('finished', 'abc');
    // Closing folds the small segments into one; the rows are the same.
    expect(liveSegments(rec.dir, 'metrics').map((s) => [s.from, s.to])).toEqual([[1, 3]]);
    expect(readdirSync(join(rec.dir, 'metrics'))).toEqual([segmentName(1, 3)]);
    expect(await scalar(r, 'SELECT count(*) FROM metrics')).toBe(60);
    expect(await scalar(r, 'SELECT world_hash FROM runs')).toBe('abc');
  });

  it('flushes on its own when a batch is full or flushMs has passed', async () => {
    const rec = await open('r1', { maxBufferedRows: 50, mergeFanIn: 1000 });
    recordTicks(rec, 1, 30); // 60 rows: the 50th starts a flush
    expect(rec.bufferedRows).toBe(10);
    await rec.flushIfDue(); // not due: 10 rows, flushMs not passed
    expect(rec.bufferedRows).toBe(10);
    const timed = await open('r2', { flushMs: 0 });
    recordTicks(timed, 1, 1);
    await timed.flushIfDue();
    expect(timed.bufferedRows).toBe(0);
    await timed.flush();
    await rec.flush();
    const r = await reader();
    expect(await scalar(r, `SELECT count(*) FROM metrics WHERE run_id = 'r1'`)).toBe(60);
    expect(await scalar(r, `SELECT count(*) FROM metrics WHERE run_id = 'r2'`)).toBe(2);
    await rec.close('finished');
    await timed.close('finished');
  });

  it('merges the tail of a long run and never counts a row twice', async () => {
    const rec = await open('r1', { mergeFanIn: 4 });
    for (let k = 0; k < 10; k++) {
      recordTicks(rec, k * 10 + 1, k * 10 + 10);
      await rec.flush();
    }
    // 10 flushes with fan-in 4: two merged segments of 4 and two single ones.
    expect(liveSegments(rec.dir, 'metrics').map((s) => [s.from, s.to])).toEqual([
      [1, 4],
      [5, 8],
      [9, 9],
      [10, 10],
    ]);
    expect(readdirSync(join(rec.dir, 'metrics'))).toHaveLength(4);
    const r = await reader();
    expect(await scalar(r, 'SELECT count(*) FROM metrics')).toBe(200);
    // A crash between writing a merged segment and deleting its parts leaves both on disk: readers take
    // the merged one only.
    const db = await openDuckDb();
    const parts = liveSegments(rec.dir, 'metrics')
      .slice(2)
      .map((s) => s.path);
    await db.con.run(
      `COPY (SELECT * FROM read_parquet([${parts.map(sqlString).join(', ')}])) TO ${sqlString(join(rec.dir, 'metrics', segmentName(9, 10)))} (FORMAT parquet)`,
    );
    db.close();
    expect(readdirSync(join(rec.dir, 'metrics'))).toHaveLength(5);
    expect(await scalar(r, 'SELECT count(*) FROM metrics')).toBe(200);
    expect(await scalar(r, 'SELECT count(DISTINCT (tick, species)) FROM metrics')).toBe(200);
    await rec.close('finished');
  });

  it('moves through running → finished | stopped | failed once, then refuses more', async () => {
    const r = await reader();
    for (const [id, status, error] of [
      ['a', 'finished', undefined],
      ['b', 'stopped', undefined],
      ['c', 'failed', 'zone 3 threw at tick 12'],
    ] as const) {
      const rec = await open(id);
      recordTicks(rec, 1, 2);
      expect(await scalar(r, `SELECT status FROM runs WHERE run_id = '${id}'`)).toBe('running');
      await rec.close(status, status === 'failed' ? null : 'hash', error);
      const row = (
        await r.query(
          `SELECT status, error, finished_at IS NOT NULL, world_hash FROM runs WHERE run_id = '${id}'`,
        )
      ).rows[0];
      expect(row).toEqual([status, error ?? null, true, status === 'failed' ? null : 'hash']);
      expect(await scalar(r, `SELECT count(*) FROM metrics WHERE run_id = '${id}'`)).toBe(4);
      await expect(rec.close('finished')).rejects.toThrow(/already closed/);
      expect(() => rec.record({ tick: 3, zone: 0, species: '', key: 'x', value: 1 })).toThrow(/closed/);
    }
    const rec = await open('d');
    await expect(rec.close('running' as FinalStatus)).rejects.toThrow(/finished, stopped or failed/);
    expect(await scalar(r, `SELECT status FROM runs WHERE run_id = 'd'`)).toBe('running');
    await rec.close('finished');
  });

  it('refuses a run id that exists already or is not a safe directory name', async () => {
    const rec = await open('r1');
    await expect(open('r1')).rejects.toThrow(/already exists/);
    await expect(open('../evil')).rejects.toThrow(/invalid run id/);
    await expect(open('a/b')).rejects.toThrow(/invalid run id/);
    expect(existsSync(join(root, 'evil'))).toBe(false);
    await rec.close('finished');
  });

  it('files allele frequencies of an engine report under genes, events with their JSON data', async () => {
    const rec = await open('r1');
    rec.recordReport({
      tick: 5,
      metrics: [
        { tick: 5, zone: 1, species: 'wolf', key: 'count', value: 12 },
        { tick: 5, zone: 1, species: 'wolf', key: 'allele.coat.B', value: 0.25 },
        { tick: 5, zone: 1, species: 'wolf', key: 'allele.coat.b', value: 0.75 },
      ],
      events: [{ tick: 5, zone: 1, kind: 'birth', entity: 99, data: { mother: 3, father: 4 } }],
    });
    rec.recordTick({ tick: 5, durationMs: 3.5, agents: 40, bytesOut: 1200, clients: 4, late: false });
    rec.recordHash(5, 'deadbeef');
    await rec.close('finished', 'deadbeef');
    const r = await reader();
    expect((await r.query('SELECT species, key, value FROM metrics')).rows).toEqual([['wolf', 'count', 12]]);
    expect((await r.query('SELECT species, locus, allele, freq FROM genes ORDER BY allele')).rows).toEqual([
      ['wolf', 'coat', 'B', 0.25],
      ['wolf', 'coat', 'b', 0.75],
    ]);
    expect((await r.query(`SELECT kind, entity, data, data->>'$.mother' FROM events`)).rows).toEqual([
      ['birth', 99, { mother: 3, father: 4 }, '3'],
    ]);
    expect(
      (await r.query('SELECT tick, duration_ms, agents, bytes_out, clients, late FROM ticks')).rows,
    ).toEqual([[5, 3.5, 40, 1200, 4, false]]);
    expect((await r.query('SELECT tick, world_hash FROM hashes')).rows).toEqual([[5, 'deadbeef']]);
  });

  it('writes the same rows and types whether a segment is encoded in JavaScript or by DuckDB, and merges both', async () => {
    const fill = (rec: Recorder, from: number, to: number): void => {
      for (let tick = from; tick <= to; tick++) {
        rec.recordReport({
          tick,
          metrics: [
            { tick, zone: tick % 2, species: 'wolf', key: 'count', value: tick + 0.5 },
            { tick, zone: 0, species: '', key: 'grass', value: -tick },
            { tick, zone: tick % 3, species: `s${tick % 5}`, key: `k${tick % 3}`, value: tick * 1e-3 },
            { tick, zone: 1, species: 'wolf', key: 'allele.coat.B', value: 1 / tick },
          ],
          events: [
            { tick, zone: 1, kind: 'birth', entity: 2 ** 40 + tick, data: { mother: tick, name: 'é"\\' } },
            { tick, zone: 0, kind: 'death', entity: tick },
          ],
        });
        rec.recordTick(
          tick % 2
            ? {
                tick,
                durationMs: tick / 3,
                agents: tick * 10,
                bytesOut: 100 + tick,
                clients: 3,
                late: tick > 4,
              }
            : { tick, durationMs: tick / 3, agents: tick * 10 },
        );
        rec.recordHash(tick, `h${tick}`);
      }
    };
    // All in JavaScript, all through DuckDB, and mixed: flushes of 1, 2 and 3 ticks with a threshold of 6 rows
    // between them, merged in twos as the run goes and at the end.
    const runs = { js: Infinity, duck: 0, mixed: 6 } as const;
    for (const [name, jsSegmentMaxRows] of Object.entries(runs)) {
      const rec = await open(name, { jsSegmentMaxRows, mergeFanIn: 2 });
      for (const [from, to] of [
        [1, 1],
        [2, 3],
        [4, 6],
        [7, 7],
        [8, 10],
      ]) {
        fill(rec, from, to);
        await rec.flush();
      }
      await rec.close('finished');
    }
    const r = await reader();
    for (const t of POINT_TABLE_NAMES) {
      const cols = POINT_TABLES[t].map(([n]) => n).filter((n) => n !== 'run_id');
      const got: Record<string, unknown> = {};
      for (const name of Object.keys(runs)) {
        const q = await r.query(
          `SELECT ${cols.join(', ')} FROM ${t} WHERE run_id = '${name}' ORDER BY ${cols.slice(0, 3).join(', ')}, ${cols.at(-1)}`,
          { maxRows: 10_000 },
        );
        got[name] = { types: q.types, rows: q.rows };
      }
      expect(got.js, t).toEqual(got.duck);
      expect(got.mixed, t).toEqual(got.duck);
    }
    expect(await scalar(r, `SELECT count(*) FROM events WHERE data->>'$.name' = 'é"\\'`)).toBe(30);
    expect(await scalar(r, `SELECT typeof(data) FROM events LIMIT 1`)).toBe('JSON');
    // Merged down to few segments per table, whichever wrote the parts.
    for (const name of Object.keys(runs))
      expect(liveSegments(runDir(root, name), 'metrics').length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['through DuckDB', 0],
    ['written in JavaScript', Infinity],
  ])(
    'marks a run failed when recording fails (segments %s), keeps what was written, and says why',
    async (_, jsSegmentMaxRows) => {
      const rec = await open('r1', { jsSegmentMaxRows });
      recordTicks(rec, 1, 5);
      await rec.flush();
      // The metrics directory becomes a file: the next segment cannot be written.
      rmSync(join(rec.dir, 'metrics'), { recursive: true });
      writeFileSync(join(rec.dir, 'metrics'), 'not a directory');
      recordTicks(rec, 6, 10);
      rec.recordTick({ tick: 10, durationMs: 1, agents: 1 });
      await expect(rec.flush()).rejects.toThrow();
      await expect(rec.close('finished', 'h')).rejects.toThrow();
      const doc = JSON.parse(readFileSync(join(rec.dir, 'run.json'), 'utf8')) as RunDoc;
      expect(doc.status).toBe('failed');
      expect(doc.error).toMatch(/^recording failed: /);
      // The next run of this thread stages in the same tables: none of the failed batch's rows reach it.
      const next = await open('r2', { jsSegmentMaxRows });
      recordTicks(next, 1, 3);
      next.recordTick({ tick: 3, durationMs: 1, agents: 1 });
      await next.close('finished', 'h2');
      const r = await reader();
      // Three ticks of two species, not the ten rows of the batch that failed on top.
      expect(await scalar(r, `SELECT count(*) FROM metrics WHERE run_id = 'r2'`)).toBe(6);
      expect(await scalar(r, `SELECT count(*) FROM ticks WHERE run_id = 'r2'`)).toBe(1);
    },
  );

  it('shows a run whose recording process died as failed, with the rows it had flushed', async () => {
    const child = spawnFixture('writer-child.ts', [root, 'killed']);
    const out = lines(child);
    await out.waitFor(/^flushed [1-9]/);
    const r = await reader();
    expect(await scalar(r, `SELECT status FROM runs WHERE run_id = 'killed'`)).toBe('running');
    child.kill('SIGKILL');
    await out.exited;
    const flushed = Math.max(...out.all.map((l) => Number(/^flushed (\d+)/.exec(l)?.[1] ?? 0)));
    const [status, error, count] = (
      await r.query(
        `SELECT status, error, (SELECT count(*) FROM metrics WHERE run_id = 'killed') FROM runs WHERE run_id = 'killed'`,
      )
    ).rows[0];
    expect(status).toBe('failed');
    expect(error).toMatch(/process \(pid \d+\) ended without closing the run/);
    expect(count).toBeGreaterThanOrEqual(flushed);
  });

  it('refuses to open over anything already at the run path, leaving it untouched', async () => {
    mkdirSync(join(root, 'runs'), { recursive: true });
    writeFileSync(join(root, 'runs', 'taken'), '');
    await expect(open('taken')).rejects.toThrow(/already exists/);
    expect(existsSync(runDir(root, 'taken'))).toBe(true); // the file that was there, untouched
    expect(readFileSync(runDir(root, 'taken'), 'utf8')).toBe('');
  });
});

describe('nestParams', () => {
  it('nests dotted keys and merges them with nested objects', () => {
    expect(nestParams({ 'a.b': 1, a: { c: 2 }, 'x.y.z': 'v', seed: 3 })).toEqual({
      a: { b: 1, c: 2 },
      x: { y: { z: 'v' } },
      seed: 3,
    });
  });
});

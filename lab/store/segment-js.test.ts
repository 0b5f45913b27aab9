import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb.ts';
import type { DuckDbHandle } from './duckdb.ts';
import { sqlString } from './layout.ts';
import { segmentsSelect } from './schema.ts';
import { constant, encodeSegment, seriesColumn } from './segment-js.ts';
import { tempRoot } from './test-helpers.ts';

let root: string;
let cleanup: () => void;
let db: DuckDbHandle;
beforeEach(async () => {
  ({ root, cleanup } = tempRoot());
  db = await openDuckDb();
});
afterEach(() => {
  db.close();
  cleanup();
});

async function read(file: string, table: Parameters<typeof segmentsSelect>[0]): Promise<unknown[][]> {
  const r = await db.con.runAndReadAll(segmentsSelect(table, `[${sqlString(file)}]`));
  return r.getRowsJS() as unknown[][];
}

describe('segments written in JavaScript', () => {
  it('round-trip through DuckDB: extreme numbers, unicode, empty strings, nulls, many dictionary entries', async () => {
    const n = 1000;
    const file = join(root, 'm.parquet');
    const names = Array.from({ length: 300 }, (_, i) => [`species ${i % 7} ✓`, i % 2 ? '' : `key-${i}`]);
    const series = Int32Array.from({ length: n }, (_, i) => (i * 37) % names.length);
    const tick = Int32Array.from({ length: n }, (_, i) => (i === 0 ? -(2 ** 31) : i === 1 ? 2 ** 31 - 1 : i));
    const values = Float64Array.from(
      { length: n },
      (_, i) => [NaN, Infinity, -0, 1e-300, -1.5][i % 5] * (i + 1),
    );
    writeFileSync(
      file,
      encodeSegment('metrics', [
        constant('run-é', n),
        tick,
        new Int32Array(n).fill(7),
        seriesColumn(series, names, 0),
        seriesColumn(series, names, 1),
        values,
      ]),
    );
    const rows = await read(file, 'metrics');
    expect(rows.length).toBe(n);
    for (let i = 0; i < n; i++) {
      const [run, t, zone, species, key, value] = rows[i];
      expect([run, t, zone, species, key]).toEqual(['run-é', tick[i], 7, ...names[series[i]]]);
      expect(Object.is(value, values[i]) || (Number.isNaN(value) && Number.isNaN(values[i]))).toBe(true);
    }
  });

  it('writes nulls where arrays have them, JSON text readers can query, and booleans', async () => {
    const file = join(root, 't.parquet');
    const late = [null, true, false, true, null, null, null, null, null, false, true];
    const n = late.length;
    writeFileSync(
      file,
      encodeSegment('ticks', [
        constant('r', n),
        Int32Array.from({ length: n }, (_, i) => i),
        Float64Array.from({ length: n }, (_, i) => i / 4),
        new Int32Array(n),
        late.map((l, i) => (l === null ? null : BigInt(2 ** 40 + i))),
        late.map(() => null),
        late,
      ]),
    );
    const rows = await read(file, 'ticks');
    expect(rows.map((r) => r[6])).toEqual(late);
    expect(rows.map((r) => r[5])).toEqual(late.map(() => null));
    expect(rows[1][4]).toBe(BigInt(2 ** 40 + 1));
    expect(rows[0][4]).toBeNull();

    const ev = join(root, 'e.parquet');
    writeFileSync(
      ev,
      encodeSegment('events', [
        constant('r', 3),
        new Int32Array([1, 2, 3]),
        new Int32Array(3),
        ['birth', 'death', ''],
        new BigInt64Array([1n, -2n, 2n ** 62n]),
        ['{"mother":3,"name":"ü\\"x"}', null, '[1,2]'],
      ]),
    );
    const r = await db.con.runAndReadAll(
      `SELECT typeof(data), data->>'$.name', json_array_length(data) FROM (${segmentsSelect('events', `[${sqlString(ev)}]`)})`,
    );
    expect(r.getRowsJS()).toEqual([
      ['JSON', 'ü"x', 0n],
      ['JSON', null, null],
      ['JSON', null, 2n],
    ]);
  });

  it('refuses columns of the wrong count or length', () => {
    expect(() => encodeSegment('hashes', [constant('r', 1), new Int32Array(1)])).toThrow(/3 columns, got 2/);
    expect(() => encodeSegment('hashes', [constant('r', 2), new Int32Array(1), ['a', 'b']])).toThrow(
      /hashes.tick has 1 values, expected 2/,
    );
  });
});

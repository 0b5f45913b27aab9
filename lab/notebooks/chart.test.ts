import { describe, expect, it } from 'vitest';
import { chartSpec } from './chart.ts';
import type { ChartData } from './chart.ts';

const data: ChartData = {
  columns: ['tick', 'species', 'deaths.age', 'p50', 'p99', 'at'],
  types: ['INTEGER', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'TIMESTAMP'],
  rows: [
    [1, 'wolf', 2, 1.5, 3, '2026-01-01 00:00:00'],
    [2, 'wolf', 3, 1.7, 4, '2026-01-01 00:00:01'],
  ],
};

type Enc = Record<string, Record<string, unknown>>;
const enc = (spec: Record<string, unknown> | null): Enc => (spec as { encoding: Enc }).encoding;

describe('chartSpec', () => {
  it('draws a line per series with field types from the DuckDB column types', () => {
    const { spec, warnings } = chartSpec(
      { chart: 'line', x: 'tick', y: ['deaths.age'], series: 'species' },
      data,
    );
    expect(warnings).toEqual([]);
    expect(spec).toMatchObject({
      mark: { type: 'line' },
      data: { values: [{ tick: 1, species: 'wolf', 'deaths.age': 2 }, {}] },
    });
    // Dots in column names are escaped, or Vega-Lite would read them as nested fields.
    expect(enc(spec).y).toMatchObject({ field: 'deaths\\.age', type: 'quantitative', title: 'deaths.age' });
    expect(enc(spec).x).toMatchObject({ field: 'tick', type: 'quantitative' });
    expect(enc(spec).color).toMatchObject({ field: 'species', type: 'nominal' });
    expect(chartSpec({ chart: 'line', x: 'at', y: ['p50'] }, data).spec).toMatchObject({
      encoding: { x: { type: 'temporal' } },
    });
  });

  it('makes numeric x discrete for bars, and stacks one measure but not several', () => {
    const one = chartSpec({ chart: 'bar', x: 'tick', y: ['p50'], series: 'species' }, data).spec;
    expect(enc(one).x.type).toBe('ordinal');
    expect(enc(one).y.stack).toBeUndefined();
    const several = chartSpec({ chart: 'bar', x: 'tick', y: ['p50', 'p99'] }, data).spec;
    expect(several).toMatchObject({ transform: [{ fold: ['p50', 'p99'], as: ['measure', 'value'] }] });
    expect(enc(several).y).toMatchObject({ field: 'value', stack: null });
    expect(enc(several).color.field).toBe('measure');
    expect(enc(several).xOffset).toEqual({ field: 'measure' });
  });

  it('uses the first two columns when x and y are not given, and a facet when asked', () => {
    const { spec } = chartSpec({ chart: 'area', facet: 'species' }, data);
    expect(spec).toMatchObject({ facet: { field: 'species' }, spec: { mark: { type: 'area' } } });
    expect((spec as { spec: { encoding: Enc } }).spec.encoding.y.field).toBe('species');
  });

  it('falls back to a table with a warning when the hints name missing columns', () => {
    const { spec, warnings } = chartSpec({ chart: 'line', x: 'tick', y: ['nope'], series: 'zone' }, data);
    expect(spec).toBeNull();
    expect(warnings).toEqual([
      "the result has no column 'nope', 'zone' (columns: tick, species, deaths.age, p50, p99, at): shown as a table",
    ]);
    expect(
      chartSpec({ chart: 'line' }, { columns: ['a'], types: ['INTEGER'], rows: [[1]] }).warnings[0],
    ).toMatch(/at least two columns/);
    expect(chartSpec({ chart: 'table' }, data).spec).toBeNull();
    expect(chartSpec({ chart: 'line' }, { ...data, rows: [] }).spec).toBeNull();
  });
});

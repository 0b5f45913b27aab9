import type { ChartHint } from './parse.ts';

/** What a chart is drawn from: a query's columns, DuckDB types and rows. */
export interface ChartData {
  columns: string[];
  types: string[];
  rows: unknown[][];
}

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const TEMPORAL = /^(DATE|TIMESTAMP.*|TIME.*)$/;

// Vega-Lite reads `.` and `[]` in field names as nested access: metric keys like `deaths.age` need escaping.
const field = (name: string): string => name.replace(/([.[\]\\])/g, '\\$1');

/**
 * The Vega-Lite spec for a SQL cell's rows and hints, or null for a table (with warnings when the hints
 * name columns the result does not have). Field types come from the DuckDB column types: numbers are
 * quantitative (ordinal on the x of a bar chart), dates and timestamps temporal, the rest nominal.
 */
export function chartSpec(
  hint: ChartHint,
  data: ChartData,
): { spec: VegaLiteSpec | null; warnings: string[] } {
  const warnings: string[] = [];
  // Nothing to draw: the cell shows its (empty) table.
  if (hint.chart === 'table' || data.rows.length === 0) return { spec: null, warnings };
  const { columns, types } = data;
  const x = hint.x ?? columns[0];
  const ys = hint.y ?? (columns[1] !== undefined ? [columns[1]] : []);
  const named = [x, ...ys, hint.series, hint.facet].filter((c): c is string => c !== undefined);
  const missing = named.filter((c) => !columns.includes(c));
  if (ys.length === 0) warnings.push('a chart needs at least two columns (x and y): shown as a table');
  if (missing.length > 0)
    warnings.push(
      `the result has no column ${missing.map((m) => `'${m}'`).join(', ')} (columns: ${columns.join(', ')}): shown as a table`,
    );
  if (warnings.length > 0) return { spec: null, warnings };

  const typeOf = (col: string, axis: 'x' | 'y' | 'other'): string => {
    const t = types[columns.indexOf(col)] ?? 'VARCHAR';
    if (TEMPORAL.test(t)) return 'temporal';
    if (NUMERIC.test(t)) return hint.chart === 'bar' && axis === 'x' ? 'ordinal' : 'quantitative';
    return 'nominal';
  };
  const values = data.rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
  const transform: Array<Record<string, unknown>> = [];
  let yField = ys[0];
  let yTitle = ys[0];
  let colorField = hint.series;
  if (ys.length > 1) {
    // Several y columns: one series per column (folded into measure/value).
    transform.push({ fold: ys, as: ['measure', 'value'] });
    yField = 'value';
    yTitle = ys.join(', ');
    if (hint.series) {
      transform.push({
        calculate: `datum[${JSON.stringify(hint.series)}] + ' · ' + datum.measure`,
        as: 'series',
      });
      colorField = 'series';
    } else colorField = 'measure';
  }
  // Series of one measure stack (parts of a whole); several measures (p50, p95, p99) never do by default.
  const stacks = hint.stack ?? ys.length === 1;
  const stack = (hint.chart === 'bar' || hint.chart === 'area') && stacks ? 'zero' : null;
  // A scatter shows where the points are, not their distance from zero.
  const scale = hint.chart === 'point' ? { scale: { zero: false } } : {};
  // Discrete x labels stand upright when short, slanted when long (Vega-Lite turns them vertical).
  const xType = typeOf(x, 'x');
  const xi = columns.indexOf(x);
  const longest = Math.max(0, ...data.rows.map((r) => String(r[xi] ?? '').length));
  const axis =
    xType === 'ordinal' || xType === 'nominal' ? { axis: { labelAngle: longest <= 10 ? 0 : -40 } } : {};
  const encoding: Record<string, unknown> = {
    x: { field: field(x), type: xType, title: x, ...scale, ...axis },
    y: {
      field: field(yField),
      type: ys.length > 1 ? 'quantitative' : typeOf(yField, 'y'),
      title: yTitle,
      ...scale,
      ...(stack === null ? { stack: null } : {}),
    },
  };
  if (colorField)
    encoding.color = {
      field: field(colorField),
      type: 'nominal',
      title: colorField === 'measure' ? null : colorField,
    };
  if (hint.chart === 'bar' && colorField && stack === null) encoding.xOffset = { field: field(colorField) };
  const mark: Record<string, unknown> =
    hint.chart === 'line'
      ? { type: 'line', tooltip: true, point: values.length <= 60 }
      : hint.chart === 'point'
        ? { type: 'point', tooltip: true, filled: true }
        : hint.chart === 'area'
          ? { type: 'area', tooltip: true, opacity: stack === null ? 0.45 : 0.85, line: true }
          : { type: 'bar', tooltip: true };
  const height = hint.heightPx ?? (hint.facet ? 180 : 280);
  const body = hint.facet
    ? {
        facet: { field: field(hint.facet), type: 'nominal', title: hint.facet },
        columns: 2,
        spec: { width: 320, height, mark, encoding },
        resolve: { scale: { y: 'independent' } },
      }
    : { width: 'container', height, mark, encoding };
  return {
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      ...(hint.title ? { title: hint.title } : {}),
      data: { values },
      ...(transform.length > 0 ? { transform } : {}),
      ...body,
    },
    warnings,
  };
}

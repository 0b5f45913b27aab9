/** Rows as objects, with numeric-looking strings (DuckDB BIGINTs) as numbers. */
export function toObjects(columns: string[], rows: unknown[][]): Array<Record<string, unknown>> {
  const numeric = columns.map(
    (_, c) =>
      rows.length > 0 &&
      rows.every(
        (r) => r[c] === null || (r[c] !== '' && typeof r[c] !== 'boolean' && !Number.isNaN(Number(r[c]))),
      ),
  );
  return rows.map((r) =>
    Object.fromEntries(columns.map((col, c) => [col, numeric[c] && r[c] !== null ? Number(r[c]) : r[c]])),
  );
}

/** A line chart spec (x, y, optional colour series). */
export function lineSpec(
  values: Array<Record<string, unknown>>,
  x: string,
  y: string,
  series?: string,
  title?: string,
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title } : {}),
    width: 'container',
    height: 220,
    data: { values },
    mark: { type: 'line', tooltip: true },
    encoding: {
      x: { field: x, type: 'quantitative' },
      y: { field: y, type: 'quantitative' },
      ...(series ? { color: { field: series, type: 'nominal' } } : {}),
    },
  };
}

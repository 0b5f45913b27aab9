import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import type { QueryResult, ResultsCatalog } from '../results/catalog.ts';

/** Chart kinds a SQL cell may ask for in its fence info (`sql chart=line x=tick y=value series=species`). */
export const CHART_KINDS = ['line', 'bar', 'point', 'area', 'table'] as const;

/** A notebook cell as written. */
export type NotebookCell =
  | { kind: 'markdown'; text: string }
  | {
      kind: 'sql';
      sql: string;
      chart: { kind: (typeof CHART_KINDS)[number]; x?: string; y?: string; series?: string; title?: string };
    };

/** A parsed notebook: front matter (title, default params) and cells in order. */
export interface Notebook {
  title: string;
  params: Record<string, string>;
  cells: NotebookCell[];
}

/** A cell after running: markdown as HTML, or a query's rows with its Vega-Lite spec (or its error). */
export type RenderedCell =
  | { kind: 'markdown'; html: string }
  | {
      kind: 'sql';
      sql: string;
      columns: string[];
      rows: unknown[][];
      truncated: boolean;
      chart: NotebookCell & { kind: 'sql' } extends { chart: infer C } ? C : never;
      spec: Record<string, unknown> | null;
      error: string | null;
      ms: number;
    };

/** A notebook with every cell run: what the web lab renders live and the HTML report is made of. */
export interface RenderedNotebook {
  title: string;
  params: Record<string, string>;
  cells: RenderedCell[];
}

const md = new MarkdownIt({ html: false, linkify: true });

/** Splits a notebook into front matter, markdown cells and ```sql cells (with their chart hints). */
export function parseNotebook(text: string): Notebook {
  let body = text;
  let front: Record<string, unknown> = {};
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (fm) {
    front = (parseYaml(fm[1]) as Record<string, unknown>) ?? {};
    body = text.slice(fm[0].length);
  }
  const cells: NotebookCell[] = [];
  const fence = /^```sql([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  let at = 0;
  for (let m = fence.exec(body); m; m = fence.exec(body)) {
    const before = body.slice(at, m.index);
    if (before.trim()) cells.push({ kind: 'markdown', text: before });
    const hints = Object.fromEntries(
      m[1]
        .trim()
        .split(/\s+/)
        .filter((h) => h.includes('='))
        .map((h) => [h.slice(0, h.indexOf('=')), h.slice(h.indexOf('=') + 1)]),
    );
    const kind = (CHART_KINDS as readonly string[]).includes(hints.chart)
      ? (hints.chart as (typeof CHART_KINDS)[number])
      : 'table';
    cells.push({
      kind: 'sql',
      sql: m[2].trim(),
      chart: { kind, x: hints.x, y: hints.y, series: hints.series, title: hints.title?.replace(/_/g, ' ') },
    });
    at = m.index + m[0].length;
  }
  const rest = body.slice(at);
  if (rest.trim()) cells.push({ kind: 'markdown', text: rest });
  const titleCell = cells.find((c) => c.kind === 'markdown') as { text: string } | undefined;
  const title = String(front.title ?? /^#\s+(.+)$/m.exec(titleCell?.text ?? '')?.[1] ?? 'Notebook');
  const params = Object.fromEntries(
    Object.entries((front.params as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
  );
  return { title, params, cells };
}

// `{{name}}` → the parameter as a SQL string literal.
function substitute(sql: string, params: Record<string, string>): string {
  return sql.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (!(name in params))
      throw new Error(`unknown parameter {{${name}}} (known: ${Object.keys(params).join(', ') || 'none'})`);
    return `'${params[name].replace(/'/g, "''")}'`;
  });
}

// BIGINTs come back as strings: a column whose values all read as numbers is numeric for the chart.
function objects(r: QueryResult): Array<Record<string, unknown>> {
  const numeric = r.columns.map(
    (_, c) =>
      r.rows.length > 0 &&
      r.rows.every(
        (row) =>
          row[c] === null || (typeof row[c] !== 'boolean' && row[c] !== '' && !Number.isNaN(Number(row[c]))),
      ),
  );
  return r.rows.map((row) =>
    Object.fromEntries(
      r.columns.map((col, c) => [col, numeric[c] && row[c] !== null ? Number(row[c]) : row[c]]),
    ),
  );
}

/** A Vega-Lite spec for a cell's rows and hints (null for tables). */
export function chartSpec(
  chart: (NotebookCell & { kind: 'sql' })['chart'],
  r: QueryResult,
): Record<string, unknown> | null {
  if (chart.kind === 'table' || r.rows.length === 0) return null;
  const x = chart.x ?? r.columns[0];
  const y = chart.y ?? r.columns[1];
  const values = objects(r);
  const typeOf = (field: string): string => {
    const v = values.find((o) => o[field] !== null)?.[field];
    if (typeof v === 'number') return 'quantitative';
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return 'temporal';
    return chart.kind === 'bar' ? 'nominal' : 'ordinal';
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(chart.title ? { title: chart.title } : {}),
    width: 'container',
    height: 260,
    data: { values },
    mark: { type: chart.kind, tooltip: true, ...(chart.kind === 'line' ? { interpolate: 'linear' } : {}) },
    encoding: {
      x: { field: x, type: typeOf(x) },
      y: { field: y, type: typeOf(y) },
      ...(chart.series ? { color: { field: chart.series, type: 'nominal' } } : {}),
    },
  };
}

/** Runs every SQL cell against the results; a failing cell carries its error and the others still run. */
export async function runNotebook(
  nb: Notebook,
  catalog: ResultsCatalog,
  params: Record<string, string> = {},
): Promise<RenderedNotebook> {
  const p = { ...nb.params, ...params };
  if (p.run_id === 'latest' || p.run_id === undefined) {
    const latest = await catalog.query(
      `SELECT run_id FROM runs WHERE status <> 'running' ORDER BY run_id DESC LIMIT 1`,
    );
    if (latest.rows.length) p.run_id = String(latest.rows[0][0]);
  }
  const cells: RenderedCell[] = [];
  for (const c of nb.cells) {
    if (c.kind === 'markdown') {
      cells.push({ kind: 'markdown', html: md.render(c.text) });
      continue;
    }
    try {
      const r = await catalog.query(substitute(c.sql, p), { timeoutMs: 30_000, maxRows: 20_000 });
      cells.push({
        kind: 'sql',
        sql: c.sql,
        columns: r.columns,
        rows: r.rows,
        truncated: r.truncated,
        chart: c.chart,
        spec: chartSpec(c.chart, r),
        error: null,
        ms: r.ms,
      });
    } catch (err) {
      cells.push({
        kind: 'sql',
        sql: c.sql,
        columns: [],
        rows: [],
        truncated: false,
        chart: c.chart,
        spec: null,
        error: (err as Error).message,
        ms: 0,
      });
    }
  }
  return { title: nb.title, params: p, cells };
}

const require = createRequire(import.meta.url);
// Package exports hide build/ and package.json: walk up from the package's entry to its folder.
function pkgFile(pkg: string, file: string): string {
  let dir = dirname(require.resolve(pkg));
  while (
    !existsSync(join(dir, 'package.json')) ||
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg
  ) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${pkg} package folder`);
    dir = up;
  }
  return readFileSync(join(dir, file), 'utf8');
}
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// JSON inside a <script> element must not close it.
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** A self-contained HTML report (Vega, Vega-Lite and vega-embed inlined: it opens offline). */
export function notebookHtml(r: RenderedNotebook): string {
  const parts: string[] = [];
  const specs: Array<[string, Record<string, unknown>]> = [];
  r.cells.forEach((c, i) => {
    if (c.kind === 'markdown') {
      parts.push(`<section class="md">${c.html}</section>`);
      return;
    }
    const table =
      c.columns.length === 0
        ? ''
        : `<details${c.spec ? '' : ' open'}><summary>${c.rows.length}${c.truncated ? '+' : ''} row(s), ${c.ms.toFixed(0)} ms</summary><table><thead><tr>${c.columns
            .map((h) => `<th>${esc(h)}</th>`)
            .join('')}</tr></thead><tbody>${c.rows
            .slice(0, 200)
            .map(
              (row) =>
                `<tr>${row.map((v) => `<td>${esc(v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v))}</td>`).join('')}</tr>`,
            )
            .join('')}</tbody></table></details>`;
    if (c.spec) specs.push([`chart-${i}`, c.spec]);
    parts.push(
      `<section class="sql"><pre><code>${esc(c.sql)}</code></pre>${c.error ? `<p class="error">Error: ${esc(c.error)}</p>` : ''}${c.spec ? `<div class="chart" id="chart-${i}"></div>` : ''}${table}</section>`,
    );
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1b26}
pre{background:#f4f2fa;padding:.6rem;overflow:auto}table{border-collapse:collapse;font-size:.85rem}
td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:right}.chart{width:100%}.error{color:#b00020;font-weight:600}
.params{color:#666;font-size:.85rem}
</style>
<script>${pkgFile('vega', 'build/vega.min.js')}</script>
<script>${pkgFile('vega-lite', 'build/vega-lite.min.js')}</script>
<script>${pkgFile('vega-embed', 'build/vega-embed.min.js')}</script>
</head><body>
<p class="params">${Object.entries(r.params)
    .map(([k, v]) => `${esc(k)} = ${esc(v)}`)
    .join(' · ')}</p>
${parts.join('\n')}
<script>
const specs = ${scriptJson(specs)};
for (const [id, spec] of specs) vegaEmbed('#' + id, spec, { actions: false, renderer: 'svg' }).catch((e) => { document.getElementById(id).textContent = String(e); });
</script>
</body></html>
`;
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NotebookResult, SqlCellResult } from './result.ts';

/** Rows of a cell's table shown in the report (all rows still feed its chart). */
export const TABLE_ROWS_SHOWN = 100;

const require = createRequire(import.meta.url);
const bundles = new Map<string, string>();

/**
 * The browser bundle of an npm package (its `unpkg`/`jsdelivr` file: vega, vega-lite and vega-embed ship
 * UMD builds), read from node_modules. The packages' `exports` hide their build folders, so we find the
 * package folder from its entry point.
 */
export function browserBundle(pkg: string): string {
  const cached = bundles.get(pkg);
  if (cached !== undefined) return cached;
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        unpkg?: string;
        jsdelivr?: string;
      };
      if (json.name === pkg) {
        const file = json.unpkg ?? json.jsdelivr;
        if (!file) throw new Error(`${pkg} has no browser bundle (no unpkg/jsdelivr field)`);
        const code = readFileSync(join(dir, file), 'utf8');
        bundles.set(pkg, code);
        return code;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${pkg}`);
    dir = up;
  }
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Inline scripts must not contain `</script` (or `<!--`): escape `<` inside JSON and bundles.
const inlineJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');
const inlineScript = (code: string): string =>
  code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

function cellValue(v: unknown): string {
  if (v === null || v === undefined) return '<span class="null">NULL</span>';
  if (typeof v === 'number') return esc(Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
  if (typeof v === 'object') return esc(JSON.stringify(v));
  return esc(String(v));
}

function sqlCell(c: SqlCellResult, i: number): string {
  const parts: string[] = [`<section class="cell sql" id="cell-${i}">`];
  // A chart shows its own title; a table or a failed cell gets it as a heading.
  if (c.hint.title && !c.spec) parts.push(`<h3>${esc(c.hint.title)}</h3>`);
  parts.push(
    `<details class="source"><summary>SQL</summary><pre><code>${esc(c.sql ?? c.source)}</code></pre></details>`,
  );
  if (c.error) parts.push(`<div class="error"><strong>Error</strong> ${esc(c.error)}</div>`);
  for (const w of c.warnings) parts.push(`<div class="warning">${esc(w)}</div>`);
  if (c.spec) parts.push(`<div class="chart" id="chart-${i}"></div>`);
  if (!c.error) {
    const shown = c.rows.slice(0, TABLE_ROWS_SHOWN);
    const more = c.rows.length - shown.length;
    const meta = `${c.rows.length}${c.truncated ? '+' : ''} row${c.rows.length === 1 ? '' : 's'} · ${c.elapsedMs.toFixed(0)} ms`;
    parts.push(
      `<details class="rows"${c.spec ? '' : ' open'}><summary>${meta}</summary><div class="scroll"><table><thead><tr>${c.columns
        .map((h, k) => `<th title="${esc(c.types[k] ?? '')}">${esc(h)}</th>`)
        .join('')}</tr></thead><tbody>${shown
        .map((row) => `<tr>${row.map((v) => `<td>${cellValue(v)}</td>`).join('')}</tr>`)
        .join(
          '',
        )}</tbody></table>${more > 0 ? `<p class="more">… ${more} more row(s) not shown</p>` : ''}</div></details>`,
    );
  }
  parts.push('</section>');
  return parts.join('');
}

/**
 * A self-contained HTML report of a notebook result: Markdown, then per SQL cell its chart (Vega-Lite,
 * with vega, vega-lite and vega-embed inlined), its rows, its error. No network needed to open it.
 */
export function notebookHtml(r: NotebookResult): string {
  const specs: Array<[string, unknown]> = [];
  const body = r.cells
    .map((c, i) => {
      if (c.kind === 'markdown') return `<section class="cell md">${c.html}</section>`;
      if (c.spec) specs.push([`chart-${i}`, c.spec]);
      return sqlCell(c, i);
    })
    .join('\n');
  const params = Object.entries(r.params)
    .map(([k, v]) => `<code>${esc(k)}</code> = ${cellValue(v)}`)
    .join(' · ');
  const errors = r.cells.filter((c) => c.kind === 'sql' && c.error).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="arcane notebook render">
<title>${esc(r.title)}</title>
<style>
:root{--fg:#1d1b26;--muted:#6b6880;--line:#e3e0ee;--code:#f5f3fa;--err:#b00020;--warn:#8a5a00}
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);max-width:64rem;margin:2rem auto;padding:0 1.2rem}
header.meta{color:var(--muted);font-size:.85rem;border-bottom:1px solid var(--line);padding-bottom:.6rem;margin-bottom:1rem}
.cell{margin:1rem 0}.cell.sql{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.cell h3{margin:.2rem 0 .4rem;font-size:1rem}
pre{background:var(--code);padding:.6rem;overflow:auto;border-radius:4px;font-size:.85rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
summary{cursor:pointer;color:var(--muted);font-size:.85rem}
.chart{width:100%;margin:.4rem 0}
.scroll{overflow:auto;max-height:28rem}
table{border-collapse:collapse;font-size:.8rem;margin-top:.3rem}
th,td{border:1px solid var(--line);padding:.15rem .45rem;text-align:right;white-space:nowrap}
th{background:var(--code);position:sticky;top:0}
.null{color:var(--muted)}.more{color:var(--muted);font-size:.8rem}
.error{color:var(--err);background:#fdecef;border-radius:4px;padding:.4rem .6rem;margin:.4rem 0;white-space:pre-wrap}
.warning{color:var(--warn);background:#fff6e0;border-radius:4px;padding:.3rem .6rem;margin:.3rem 0;font-size:.85rem}
</style>
<script>${inlineScript(browserBundle('vega'))}</script>
<script>${inlineScript(browserBundle('vega-lite'))}</script>
<script>${inlineScript(browserBundle('vega-embed'))}</script>
</head><body>
<header class="meta">${r.source ? `<code>${esc(r.source)}</code> · ` : ''}rendered ${esc(r.renderedAt)}${params ? ` · ${params}` : ''}${errors ? ` · <span class="error-count">${errors} cell(s) failed</span>` : ''}</header>
${body}
<script>
const specs = ${inlineJson(specs)};
for (const [id, spec] of specs) {
  vegaEmbed('#' + id, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
    .catch((e) => { const el = document.getElementById(id); el.className = 'error'; el.textContent = 'Chart error: ' + e.message; });
}
</script>
</body></html>
`;
}

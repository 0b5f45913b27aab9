import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';
import { ResultsReader } from '../store/reader.ts';
import { chartSpec } from './chart.ts';
import { notebookHtml } from './html.ts';
import { paramsForJson, resolveParams, substituteSql, substituteText } from './params.ts';
import { parseNotebook } from './parse.ts';
import type { Notebook } from './parse.ts';
import type { CellResult, NotebookResult, SqlCellResult } from './result.ts';

export type { CellResult, MarkdownCellResult, NotebookResult, SqlCellResult } from './result.ts';

/** Where a notebook reads its data and with which parameters. */
export interface NotebookOptions {
  /** An open reader (the web lab keeps one)… */
  reader?: ResultsReader;
  /** …or a results directory to open one on (default `data`). */
  db?: string;
  /** Parameter values (win over the front matter's defaults). */
  params?: Record<string, unknown>;
  /** Per-cell time limit. Default 30,000 ms. */
  timeoutMs?: number;
  /** Per-cell row limit (rows beyond it are dropped and the cell says so). Default 20,000. */
  maxRows?: number;
}

const md = new MarkdownIt({ html: false, linkify: true });

/**
 * Runs a notebook (its text, or a parsed one) against the results: Markdown to HTML, each SQL cell through
 * the read-only query with its chart spec. A failing cell carries its error and the others still run.
 */
export async function evaluateNotebook(
  notebook: string | Notebook,
  o: NotebookOptions & { source?: string } = {},
): Promise<NotebookResult> {
  const nb = typeof notebook === 'string' ? parseNotebook(notebook) : notebook;
  return withReader(o, async (reader) => {
    const params = await resolveParams(nb.params, o.params ?? {}, async (sql) => {
      const r = await reader.query(sql, { maxRows: 1, timeoutMs: o.timeoutMs ?? 30_000 });
      return r.rows.length > 0 ? r.rows[0][0] : undefined;
    });
    const cells: CellResult[] = [];
    for (const c of nb.cells) {
      if (c.kind === 'markdown') {
        cells.push({ kind: 'markdown', html: md.render(substituteText(c.text, params)) });
        continue;
      }
      const cell: SqlCellResult = {
        kind: 'sql',
        source: c.sql,
        sql: null,
        line: c.line,
        hint: c.hint,
        columns: [],
        types: [],
        rows: [],
        truncated: false,
        elapsedMs: 0,
        spec: null,
        error: null,
        warnings: [...c.warnings],
      };
      cells.push(cell);
      try {
        cell.sql = substituteSql(c.sql, params);
        const r = await reader.query(cell.sql, {
          timeoutMs: o.timeoutMs ?? 30_000,
          maxRows: o.maxRows ?? 20_000,
        });
        Object.assign(cell, {
          columns: r.columns,
          types: r.types,
          rows: r.rows,
          truncated: r.truncated,
          elapsedMs: r.elapsedMs,
        });
        if (r.truncated) cell.warnings.push(`only the first ${r.rows.length} rows are shown and charted`);
        const chart = chartSpec(c.hint, r);
        cell.spec = chart.spec;
        cell.warnings.push(...chart.warnings);
      } catch (err) {
        cell.error = err instanceof Error ? err.message : String(err);
      }
    }
    return {
      title: substituteText(nb.title, params),
      source: o.source ?? null,
      params: paramsForJson(params),
      renderedAt: new Date().toISOString(),
      cells,
    };
  });
}

/** Runs a notebook file to the JSON structure the web lab renders (see `NotebookResult`). */
export async function renderNotebookJson(path: string, o: NotebookOptions = {}): Promise<NotebookResult> {
  return evaluateNotebook(readFileSync(path, 'utf8'), { ...o, source: basename(path) });
}

/**
 * Renders a notebook file to a self-contained HTML report (charts drawn by Vega-Lite, whose code is
 * inlined: the file opens offline). Writes it to `out` when given.
 */
export async function renderNotebook(
  path: string,
  o: NotebookOptions & { out?: string } = {},
): Promise<{ html: string; result: NotebookResult }> {
  const result = await renderNotebookJson(path, o);
  const html = notebookHtml(result);
  if (o.out) {
    mkdirSync(dirname(resolve(o.out)), { recursive: true });
    writeFileSync(o.out, html);
  }
  return { html, result };
}

async function withReader<T>(o: NotebookOptions, fn: (r: ResultsReader) => Promise<T>): Promise<T> {
  if (o.reader) return fn(o.reader);
  const reader = await ResultsReader.open(o.db ?? 'data');
  try {
    return await fn(reader);
  } finally {
    reader.close();
  }
}

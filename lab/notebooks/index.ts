/** Notebooks: Markdown with SQL cells over the lab's results, run to JSON (web lab) or a self-contained HTML report. */
export { evaluateNotebook, renderNotebook, renderNotebookJson } from './notebook.ts';
export type {
  CellResult,
  MarkdownCellResult,
  NotebookOptions,
  NotebookResult,
  SqlCellResult,
} from './notebook.ts';
export { notebookHtml, browserBundle } from './html.ts';
export { parseNotebook, parseHint, CHART_KINDS, HINT_KEYS } from './parse.ts';
export type { ChartHint, ChartKind, Notebook, NotebookCell, ParamDefault } from './parse.ts';
export { chartSpec } from './chart.ts';
export type { ChartData, VegaLiteSpec } from './chart.ts';
export { resolveParams, substituteSql, substituteText, sqlLiteral, MissingParam } from './params.ts';

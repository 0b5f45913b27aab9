import type { VegaLiteSpec } from './chart.ts';
import type { ChartHint } from './parse.ts';

/** A Markdown cell, rendered. */
export interface MarkdownCellResult {
  kind: 'markdown';
  html: string;
}

/** A SQL cell after running: its rows and chart, or its error. */
export interface SqlCellResult {
  kind: 'sql';
  /** The SQL as written in the notebook. */
  source: string;
  /** The SQL that ran (parameters substituted); null when it could not be formed. */
  sql: string | null;
  /** Line of the fence in the notebook file (1-based). */
  line: number;
  hint: ChartHint;
  columns: string[];
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
  /** Vega-Lite spec with the rows inline (null for tables and failed cells). */
  spec: VegaLiteSpec | null;
  error: string | null;
  warnings: string[];
}

/** A cell after running. */
export type CellResult = MarkdownCellResult | SqlCellResult;

/** A notebook with every cell run: plain JSON, what the web lab renders live and the HTML report is made of. */
export interface NotebookResult {
  title: string;
  /** The notebook file, when rendered from one. */
  source: string | null;
  params: Record<string, unknown>;
  renderedAt: string;
  cells: CellResult[];
}

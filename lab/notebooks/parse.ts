import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';

/** Chart kinds a SQL cell may ask for (`scatter` is another name for `point`). */
export const CHART_KINDS = ['line', 'bar', 'point', 'area', 'table'] as const;

/** A chart kind. */
export type ChartKind = (typeof CHART_KINDS)[number];

/** Hint keys a SQL fence understands. */
export const HINT_KEYS = ['chart', 'x', 'y', 'series', 'color', 'facet', 'title', 'height', 'stack'] as const;

/**
 * What the fence info of a SQL cell asks for: ```` ```sql chart=line x=tick y=value series=species ````.
 * `y` may name several columns (`y=p50,p95,p99`): they are drawn as series. Values with spaces are
 * quoted (`title="Wolves by zone"`).
 */
export interface ChartHint {
  chart: ChartKind;
  x?: string;
  y?: string[];
  series?: string;
  /** Small multiples, one panel per value of this column. */
  facet?: string;
  title?: string;
  heightPx?: number;
  /** Stack bars/areas: by default series of one y column stack, several y columns do not. */
  stack?: boolean;
}

/** A parameter's default: a value, or a query whose first cell gives it (e.g. the latest run). */
export type ParamDefault = { value: unknown } | { query: string };

/** A cell of a notebook as written. */
export type NotebookCell =
  | { kind: 'markdown'; text: string; line: number }
  | { kind: 'sql'; sql: string; hint: ChartHint; warnings: string[]; line: number };

/** A parsed notebook: title, parameters with their defaults, cells in order. */
export interface Notebook {
  title: string;
  params: Record<string, ParamDefault>;
  cells: NotebookCell[];
}

const md = new MarkdownIt();

/**
 * Splits a notebook into its front matter (YAML between `---` lines: `title`, `params`), Markdown cells
 * and ```` ```sql ```` cells with their chart hints. Fences are found by markdown-it, so a SQL fence
 * inside a list or after indented code is found exactly as a Markdown viewer would show it; fences in
 * other languages stay Markdown.
 */
export function parseNotebook(text: string): Notebook {
  const src = text.replace(/\r\n?/g, '\n');
  let front: Record<string, unknown> = {};
  let bodyStart = 0;
  const fm = /^---\n([\s\S]*?)\n---[ \t]*(\n|$)/.exec(src);
  if (fm) {
    const parsed = parseYaml(fm[1]) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      front = parsed as Record<string, unknown>;
    else if (parsed !== null) throw new Error('front matter must be a YAML mapping (title, params)');
    bodyStart = fm[0].split('\n').length - (fm[2] === '\n' ? 1 : 0);
  }
  const lines = src.split('\n');
  const body = lines.slice(bodyStart).join('\n');
  const cells: NotebookCell[] = [];
  let at = 0; // next body line not yet in a cell
  const pushMarkdown = (from: number, to: number): void => {
    const chunk = lines.slice(bodyStart + from, bodyStart + to).join('\n');
    if (chunk.trim() !== '') cells.push({ kind: 'markdown', text: chunk, line: bodyStart + from + 1 });
  };
  for (const tok of md.parse(body, {})) {
    if (tok.type !== 'fence' || !tok.map) continue;
    const info = tok.info.trim();
    const lang = info.split(/\s+/)[0]?.toLowerCase();
    if (lang !== 'sql') continue;
    const [start, end] = tok.map;
    pushMarkdown(at, start);
    const { hint, warnings } = parseHint(info.slice(lang.length));
    cells.push({ kind: 'sql', sql: tok.content.trim(), hint, warnings, line: bodyStart + start + 1 });
    at = end;
  }
  pushMarkdown(at, lines.length - bodyStart);
  const firstHeading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
  return {
    title: String(front.title ?? firstHeading ?? 'Notebook'),
    params: parseParams(front.params),
    cells,
  };
}

/** Parses the hints after `sql` in a fence's info string; unknown keys and bad values become warnings. */
export function parseHint(info: string): { hint: ChartHint; warnings: string[] } {
  const warnings: string[] = [];
  const pairs: Record<string, string> = {};
  const re = /([A-Za-z_][\w-]*)=("([^"]*)"|'([^']*)'|\S+)|(\S+)/g;
  for (let m = re.exec(info); m; m = re.exec(info)) {
    if (m[5] !== undefined) {
      warnings.push(`ignored '${m[5]}' in the fence: hints are key=value`);
      continue;
    }
    pairs[m[1]] = m[3] ?? m[4] ?? m[2];
  }
  const hint: ChartHint = { chart: 'table' };
  for (const [k, v] of Object.entries(pairs)) {
    switch (k) {
      case 'chart': {
        const kind = v === 'scatter' ? 'point' : v;
        if ((CHART_KINDS as readonly string[]).includes(kind)) hint.chart = kind as ChartKind;
        else
          warnings.push(`unknown chart '${v}' (use ${CHART_KINDS.join(', ')} or scatter): shown as a table`);
        break;
      }
      case 'x':
        hint.x = v;
        break;
      case 'y':
        hint.y = v.split(',').filter(Boolean);
        break;
      case 'series':
      case 'color':
        hint.series = v;
        break;
      case 'facet':
        hint.facet = v;
        break;
      case 'title':
        hint.title = v;
        break;
      case 'height': {
        const n = Number(v);
        if (Number.isFinite(n) && n > 0) hint.heightPx = n;
        else warnings.push(`height must be a positive number of pixels (got '${v}')`);
        break;
      }
      case 'stack':
        if (v === 'true' || v === 'false') hint.stack = v === 'true';
        else warnings.push(`stack must be true or false (got '${v}')`);
        break;
      default:
        warnings.push(`unknown hint '${k}' (known: ${HINT_KEYS.join(', ')})`);
    }
  }
  return { hint, warnings };
}

function parseParams(raw: unknown): Record<string, ParamDefault> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('front matter params must be a mapping');
  const out: Record<string, ParamDefault> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`parameter name '${name}' must be an identifier`);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'query' in v)
      out[name] = { query: String((v as { query: unknown }).query) };
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'default' in v)
      out[name] = { value: (v as { default: unknown }).default };
    else out[name] = { value: v };
  }
  return out;
}

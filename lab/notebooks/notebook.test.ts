import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsReader } from '../store/reader.ts';
import { evaluateNotebook, renderNotebook } from './notebook.ts';
import type { SqlCellResult } from './notebook.ts';
import { recordFixtureResults } from './test-fixtures.ts';
import type { FixtureSummary } from './test-fixtures.ts';

let root: string;
let fixture: FixtureSummary;
let reader: ResultsReader;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'arcane-notebook-test-'));
  fixture = await recordFixtureResults(root);
  reader = await ResultsReader.open(root);
});
afterAll(() => {
  reader.close();
  rmSync(root, { recursive: true, force: true });
});

const NOTEBOOK = `---
title: Wolves of {{run_id}}
params:
  run_id:
    query: SELECT run_id FROM runs WHERE sweep_id IS NOT NULL ORDER BY run_id LIMIT 1
  species: wolf
---
# Wolves

Run **{{run_id}}**, species {{species}}. <script>alert(1)</script>

\`\`\`sql chart=line x=tick y=animals series=zone
SELECT tick, 'zone ' || zone AS zone, value AS animals FROM metrics
WHERE run_id = {{run_id}} AND species = {{species}} AND key = 'count' ORDER BY tick, zone
\`\`\`

\`\`\`sql
SELECT nosuch FROM metrics
\`\`\`

\`\`\`sql chart=bar x=cause y=total
SELECT replace(key, 'deaths.', '') AS cause, sum(value) AS total FROM metrics
WHERE run_id = {{run_id}} AND key LIKE 'deaths.%' GROUP BY cause ORDER BY cause
\`\`\`

\`\`\`sql
SELECT * FROM read_csv('/etc/passwd')
\`\`\`

\`\`\`sql
SELECT {{undeclared}}
\`\`\`
`;

const sqlCells = (cells: Array<{ kind: string }>): SqlCellResult[] =>
  cells.filter((c): c is SqlCellResult => c.kind === 'sql');

describe('evaluateNotebook', () => {
  it('runs every SQL cell against real run files; a failing cell shows its error and the rest render', async () => {
    const r = await evaluateNotebook(NOTEBOOK, { reader });
    expect(r.title).toBe('Wolves of eco-cap4-s1');
    expect(r.params).toEqual({ run_id: 'eco-cap4-s1', species: 'wolf' });
    const [line, bad, bar, file, undeclared] = sqlCells(r.cells);
    // The population cell: 12 samples × 2 zones, the final two rows sum to the run's final wolves.
    expect(line.error).toBeNull();
    expect(line.columns).toEqual(['tick', 'zone', 'animals']);
    expect(line.rows).toHaveLength(24);
    expect(Number(line.rows[22][2]) + Number(line.rows[23][2])).toBe(fixture.finalWolves.get('eco-cap4-s1'));
    expect(line.sql).toContain(`run_id = 'eco-cap4-s1' AND species = 'wolf'`);
    expect(line.spec).toMatchObject({ mark: { type: 'line' }, encoding: { color: { field: 'zone' } } });
    expect(bad.error).toMatch(/nosuch/);
    expect(bad.spec).toBeNull();
    expect(bar.error).toBeNull();
    expect(bar.rows.map((row) => row[0])).toEqual(['age', 'predation', 'starvation']);
    expect(file.error).toMatch(/read_csv\(\) is not allowed/);
    expect(undeclared.error).toMatch(/unknown parameter \{\{undeclared\}\}/);
    // Markdown is rendered with parameters filled in and raw HTML escaped.
    const md = r.cells[0].kind === 'markdown' ? r.cells[0].html : '';
    expect(md).toContain('Run <strong>eco-cap4-s1</strong>, species wolf.');
    expect(md).toContain('&lt;script&gt;');
    // Plain JSON: what the web lab gets.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('takes parameter values over the defaults', async () => {
    const r = await evaluateNotebook(NOTEBOOK, {
      reader,
      params: { run_id: 'eco-cap8-s2', species: 'sheep' },
    });
    const [line] = sqlCells(r.cells);
    expect(line.sql).toContain(`run_id = 'eco-cap8-s2' AND species = 'sheep'`);
    expect(line.rows).toHaveLength(24);
  });

  it('shows a parameter whose query finds nothing in every cell that needs it', async () => {
    const nb = `---\nparams:\n  run_id:\n    query: SELECT run_id FROM runs WHERE false\n---\n\`\`\`sql\nSELECT {{run_id}}\n\`\`\`\n\n\`\`\`sql\nSELECT 42 AS answer\n\`\`\`\n`;
    const [missing, fine] = sqlCells((await evaluateNotebook(nb, { reader })).cells);
    expect(missing.error).toMatch(/\{\{run_id\}\} has no value: its query found nothing/);
    expect(fine.rows).toEqual([[42]]);
  });
});

describe('renderNotebook', () => {
  let out: string;
  let html: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcane-notebook-html-'));
    const file = join(dir, 'wolves.md');
    writeFileSync(file, NOTEBOOK);
    out = join(dir, 'report', 'wolves.html');
    html = (await renderNotebook(file, { db: root, out })).html;
  });

  it('writes one self-contained HTML file: charting code inlined, nothing fetched', () => {
    expect(readFileSync(out, 'utf8')).toBe(html);
    // The markup around the inlined scripts loads nothing.
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
    expect(markup).not.toMatch(/<script[^>]+src=/i);
    expect(markup).not.toMatch(/<link[^>]+href=/i);
    expect(markup).not.toMatch(/<img[^>]+src=/i);
    expect(markup).not.toMatch(/https?:\/\//);
    expect(html).toContain('vegaEmbed');
    expect(html.length).toBeGreaterThan(700_000); // vega + vega-lite + vega-embed
    expect(html).toContain('eco-cap4-s1');
    expect(html).toContain('<div class="error"><strong>Error</strong>');
    expect(html).toContain('2 cell(s) failed'.replace('2', '3'));
  });

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  it.skipIf(!chromium && !process.env.CI)('draws its charts in a browser with no network', async () => {
    // A proxy that refuses every connection: anything the page tried to fetch would fail.
    const { stdout } = await promisify(execFile)(
      chromium ?? 'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--proxy-server=127.0.0.1:9',
        '--virtual-time-budget=10000',
        '--dump-dom',
        `file://${out}`,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    );
    // Two chart cells (line and bar): each drawn as an SVG by vega.
    const charts =
      stdout.match(/<div class="chart[^"]*" id="chart-\d+"[^>]*>[\s\S]*?<svg[^>]*class="marks"/g) ?? [];
    expect(charts).toHaveLength(2);
    expect(stdout).not.toMatch(/<div class="error" id="chart-/);
  });
});

describe('the shipped notebooks', () => {
  const dir = fileURLToPath(new URL('../../notebooks/', import.meta.url));
  const names = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');

  it('are the four the lab promises', () => {
    expect(names.sort()).toEqual([
      'cap-tuning.md',
      'gene-frequencies.md',
      'load-test.md',
      'population-dynamics.md',
    ]);
  });

  it.each(names)('%s runs every cell without an error and draws its charts', async (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    const r = await evaluateNotebook(text, { reader });
    const cells = sqlCells(r.cells);
    expect(cells.filter((c) => c.error).map((c) => `line ${c.line}: ${c.error}`)).toEqual([]);
    expect(
      cells.filter((c) => c.warnings.length).map((c) => `line ${c.line}: ${c.warnings.join('; ')}`),
    ).toEqual([]);
    // Every cell that asks for a chart gets one (the fixture has rows for all of them).
    expect(cells.filter((c) => c.hint.chart !== 'table' && !c.spec).map((c) => c.line)).toEqual([]);
    // It opens with a short paragraph on what it shows.
    expect(r.cells[0].kind === 'markdown' && r.cells[0].html).toMatch(/<h1>[\s\S]+<p>[\s\S]{80,}/);
  });

  it('cap-tuning finds the swept cap and reports the final population per cap value', async () => {
    const r = await evaluateNotebook(readFileSync(join(dir, 'cap-tuning.md'), 'utf8'), { reader });
    expect(r.params).toEqual({
      sweep_id: fixture.sweepId,
      cap_path: '$.species.wolf.caps.cellHard',
      species: 'wolf',
    });
    const perCap = sqlCells(r.cells).find((c) => c.columns.includes('final_mean'));
    expect(perCap?.rows.map((row) => row[0])).toEqual(['4', '6', '8']);
    const expected = fixture.capValues.map((cap) => {
      const finals = fixture.seeds.map((s) => fixture.finalWolves.get(`eco-cap${cap}-s${s}`) ?? NaN);
      return Math.round((10 * finals.reduce((a, b) => a + b, 0)) / finals.length) / 10;
    });
    expect(perCap?.rows.map((row) => row[2])).toEqual(expected);
  });

  it('load-test reports tick percentiles with quantile_cont', async () => {
    const r = await evaluateNotebook(readFileSync(join(dir, 'load-test.md'), 'utf8'), { reader });
    expect(r.params).toMatchObject({ run_id: fixture.loadRunId, budget_ms: 50 });
    const p = sqlCells(r.cells).find((c) => c.columns.includes('p99_ms'));
    const sorted = [...fixture.loadDurationsMs].sort((a, b) => a - b);
    // quantile_cont interpolates linearly between order statistics.
    const q = (f: number): number => {
      const h = (sorted.length - 1) * f;
      const lo = Math.floor(h);
      return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
    };
    const row = Object.fromEntries(p!.columns.map((c, i) => [c, p!.rows[0][i]]));
    expect(row.ticks).toBe(400);
    expect(row.p50_ms).toBeCloseTo(q(0.5), 3);
    expect(row.p99_ms).toBeCloseTo(q(0.99), 3);
    expect(row.late_ticks).toBe(fixture.loadDurationsMs.filter((d) => d > 50).length);
  });
});

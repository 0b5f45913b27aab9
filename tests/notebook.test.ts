import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notebookHtml, parseNotebook, runNotebook } from '../lab/notebook/notebook.ts';
import { ResultsCatalog } from '../lab/results/catalog.ts';
import { RunWriter } from '../lab/results/run-writer.ts';
import { runScenario } from '../lab/runner/run.ts';
import { loadScenario } from '../lab/scenario/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'arcane-nb-'));
let catalog: ResultsCatalog;

beforeAll(async () => {
  // A real run of the small WolfSheep model, recorded as the CLI records it.
  const scenario = await loadScenario('scenarios/wolfsheep-small.yaml');
  const sink = await RunWriter.open(dir, {
    runId: 'ws-1',
    scenario: scenario.name,
    scenarioJson: scenario,
    params: { seed: 1 },
    seed: 1,
  });
  await runScenario({ scenario, seed: 1, sink });
  catalog = await ResultsCatalog.open(dir);
});
afterAll(() => {
  catalog?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notebooks', () => {
  it('renders population-dynamics with real query results from a real run, as a self-contained report', async () => {
    const nb = parseNotebook(readFileSync('notebooks/population-dynamics.md', 'utf8'));
    const r = await runNotebook(nb, catalog);
    expect(r.params.run_id).toBe('ws-1');
    const sql = r.cells.filter((c) => c.kind === 'sql');
    expect(sql.every((c) => c.kind === 'sql' && c.error === null)).toBe(true);
    const pop = sql[0];
    if (pop.kind !== 'sql') throw new Error('unreachable');
    // 100 ticks × 2 species of population counts, and a line chart over them.
    expect(pop.rows.length).toBe(200);
    expect(new Set(pop.rows.map((row) => row[1]))).toEqual(new Set(['sheep', 'wolf']));
    expect(pop.spec).toMatchObject({
      mark: { type: 'line' },
      encoding: { x: { field: 'tick', type: 'quantitative' }, color: { field: 'species' } },
    });
    const html = notebookHtml(r);
    expect(html).toContain('<h1>Population dynamics</h1>');
    expect(html).toContain('vegaEmbed(');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href="http/);
    // The chart's data travels inside the report.
    expect(html).toContain('"species":"wolf"');
  });

  it('a failing SQL cell shows its error and the other cells still render', async () => {
    const nb = parseNotebook(
      '# T\n\n```sql chart=line\nSELECT nope FROM metrics\n```\n\nText between.\n\n```sql\nSELECT count(*) AS n FROM runs\n```\n',
    );
    const r = await runNotebook(nb, catalog);
    const [, bad, , good] = r.cells;
    expect(bad.kind === 'sql' && bad.error).toMatch(/nope/);
    expect(good.kind === 'sql' && good.rows).toEqual([['1']]);
    expect(notebookHtml(r)).toContain('class="error"');
  });

  it('ships the four notebooks, each parsing into markdown and SQL cells', () => {
    for (const n of ['population-dynamics', 'gene-frequencies', 'cap-tuning', 'load-test']) {
      const nb = parseNotebook(readFileSync(`notebooks/${n}.md`, 'utf8'));
      expect(nb.cells.filter((c) => c.kind === 'sql').length, n).toBeGreaterThanOrEqual(2);
      expect(nb.title.length).toBeGreaterThan(3);
    }
  });
});

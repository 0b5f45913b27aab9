import { describe, expect, it } from 'vitest';
import { MissingParam, resolveParams, sqlLiteral, substituteSql, substituteText } from './params.ts';
import { parseHint, parseNotebook } from './parse.ts';

const NOTEBOOK = `---
title: Wolves {{run_id}}
params:
  run_id:
    query: SELECT run_id FROM runs LIMIT 1
  species: wolf
  min_count: 3
---
# Heading

Some text.

\`\`\`sql chart=line x=tick y=n series=zone title="Wolves by zone"
SELECT tick, zone, n FROM t
\`\`\`

\`\`\`js
console.log('not a cell');
\`\`\`

- a list item with a cell:

  \`\`\`sql
  SELECT 1
  \`\`\`

Closing words.
`;

describe('parseNotebook', () => {
  it('splits front matter, Markdown and SQL cells (with their lines and hints)', () => {
    const nb = parseNotebook(NOTEBOOK);
    expect(nb.title).toBe('Wolves {{run_id}}');
    expect(nb.params).toEqual({
      run_id: { query: 'SELECT run_id FROM runs LIMIT 1' },
      species: { value: 'wolf' },
      min_count: { value: 3 },
    });
    expect(nb.cells.map((c) => c.kind)).toEqual(['markdown', 'sql', 'markdown', 'sql', 'markdown']);
    const [intro, first, middle, second, last] = nb.cells;
    expect(intro).toMatchObject({ kind: 'markdown', line: 9 });
    expect(first).toMatchObject({
      kind: 'sql',
      sql: 'SELECT tick, zone, n FROM t',
      line: 13,
      hint: { chart: 'line', x: 'tick', y: ['n'], series: 'zone', title: 'Wolves by zone' },
      warnings: [],
    });
    // Other languages stay Markdown; a SQL fence inside a list item is still a cell.
    expect(middle.kind === 'markdown' && middle.text).toContain("console.log('not a cell')");
    expect(second).toMatchObject({ kind: 'sql', sql: 'SELECT 1', hint: { chart: 'table' } });
    expect(last.kind === 'markdown' && last.text.trim()).toBe('Closing words.');
  });

  it('takes the title from the first heading without front matter', () => {
    expect(parseNotebook('Intro\n\n# The title\n\ntext').title).toBe('The title');
    expect(parseNotebook('no heading').title).toBe('Notebook');
  });

  it('refuses front matter that is not a mapping, and bad parameter names', () => {
    expect(() => parseNotebook('---\n- a\n---\n')).toThrow(/mapping/);
    expect(() => parseNotebook('---\nparams:\n  bad-name: 1\n---\n')).toThrow(/identifier/);
  });
});

describe('parseHint', () => {
  it('reads chart hints, several y columns, quoted values and the scatter alias', () => {
    expect(
      parseHint(` chart=scatter x=a y=p50,p95,p99 color=run title='Tick times' height=200 stack=false`),
    ).toEqual({
      hint: {
        chart: 'point',
        x: 'a',
        y: ['p50', 'p95', 'p99'],
        series: 'run',
        title: 'Tick times',
        heightPx: 200,
        stack: false,
      },
      warnings: [],
    });
  });

  it('warns about what it does not understand and falls back to a table', () => {
    const { hint, warnings } = parseHint(' chart=pie x=a colour=b height=-3 loose');
    expect(hint.chart).toBe('table');
    expect(warnings).toEqual([
      "ignored 'loose' in the fence: hints are key=value",
      "unknown chart 'pie' (use line, bar, point, area, table or scatter): shown as a table",
      "unknown hint 'colour' (known: chart, x, y, series, color, facet, title, height, stack)",
      "height must be a positive number of pixels (got '-3')",
    ]);
  });
});

describe('parameters', () => {
  it('become SQL literals that cannot break out of their quotes', () => {
    expect(sqlLiteral("o'hara; DROP TABLE runs; --")).toBe("'o''hara; DROP TABLE runs; --'");
    expect(sqlLiteral(6)).toBe('6');
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(['a', 2])).toBe("['a', 2]");
    expect(sqlLiteral({ a: 1 })).toBe(`'{"a":1}'::JSON`);
    expect(substituteSql('WHERE run_id = {{ run_id }} AND n > {{n}}', { run_id: 'r1', n: 3 })).toBe(
      "WHERE run_id = 'r1' AND n > 3",
    );
  });

  it('say which parameter is unknown or has no value', () => {
    expect(() => substituteSql('{{nope}}', { run_id: 'x' })).toThrow(
      /unknown parameter \{\{nope\}\} \(declared: run_id/,
    );
    expect(() =>
      substituteSql('{{run_id}}', { run_id: new MissingParam('its query found nothing') }),
    ).toThrow(/\{\{run_id\}\} has no value: its query found nothing/);
    expect(substituteText('Run {{run_id}}, {{other}}', { run_id: 'r1' })).toBe('Run r1, {{other}}');
  });

  it('resolve in order: given values win (typed like the default), queries may use earlier parameters', async () => {
    const asked: string[] = [];
    const values = await resolveParams(
      {
        run_id: { query: 'SELECT max(run_id) FROM runs' },
        species: { query: 'SELECT species FROM metrics WHERE run_id = {{run_id}}' },
        min: { value: 3 },
        flag: { value: false },
        empty: { query: 'SELECT nothing' },
      },
      { min: '7', flag: 'true', extra: 'x' },
      async (sql) => {
        asked.push(sql);
        return sql.startsWith('SELECT max') ? 'r9' : sql.includes("'r9'") ? 'wolf' : undefined;
      },
    );
    expect(asked[1]).toBe(`SELECT species FROM metrics WHERE run_id = 'r9'`);
    expect(values).toMatchObject({ run_id: 'r9', species: 'wolf', min: 7, flag: true, extra: 'x' });
    expect(values.empty).toBeInstanceOf(MissingParam);
  });
});

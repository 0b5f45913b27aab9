import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from './load.ts';
import { scenarioJsonSchema } from './schema.ts';
import './to-world.ts';

const GOOD = `name: t
kind: bench
ticks: 10
world:
  zonesX: 2
  zonesY: 1
  zoneWidthM: 50
  zoneHeightM: 50
  cellM: 5
wanderers:
  count: 100
`;

function issuesOf(text: string, overrides: string[] = []): ScenarioError['issues'] {
  try {
    parseScenario(text, { file: 'bad.yaml', overrides });
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario loader', () => {
  it('accepts a good scenario and fills defaults', () => {
    const s = parseScenario(GOOD, { file: 'good.yaml' });
    expect(s.world.zonesX).toBe(2);
    expect(s.tickRate).toBe(20);
  });

  it('names file, line, column and path for a wrong type', () => {
    const [i] = issuesOf(GOOD.replace('zoneWidthM: 50', 'zoneWidthM: wide'));
    expect(i).toMatchObject({ file: 'bad.yaml', line: 7, column: 15, path: 'world.zoneWidthM' });
    expect(i.message).toMatch(/expected number/);
  });

  it('names an unknown key and lists the expected ones', () => {
    const [i] = issuesOf(GOOD.replace('  cellM: 5', '  cellM: 5\n  cellSize: 3'));
    expect(i).toMatchObject({ line: 10, column: 3, path: 'world.cellSize' });
    expect(i.message).toMatch(/unknown key 'cellSize'; expected one of: zonesX, zonesY/);
  });

  it('reports a missing key at its parent', () => {
    const [i] = issuesOf(GOOD.replace('ticks: 10\n', ''));
    expect(i).toMatchObject({ path: 'ticks' });
    expect(i.message).toBe("missing required key 'ticks'");
  });

  it('reports a bad enum value with the allowed ones', () => {
    const [i] = issuesOf(GOOD.replace('kind: bench', 'kind: battle'));
    expect(i).toMatchObject({ line: 2, path: 'kind' });
    expect(i.message).toMatch(/"ecosystem", "combat", "load", "bench"/);
  });

  it('reports YAML syntax errors with their line', () => {
    const [i] = issuesOf(GOOD.replace('  zonesY: 1', '  zonesY: [1'));
    expect(i.message).toMatch(/YAML syntax/);
    expect(i.line).toBeGreaterThan(0);
  });

  it('applies --set overrides and checks them like the file', () => {
    const s = parseScenario(GOOD, { overrides: ['wanderers.count=7', 'world.edge=stop'] });
    expect(s.wanderers?.count).toBe(7);
    expect(s.world.edge).toBe('stop');
    const [i] = issuesOf(GOOD, ['wanderers.count=-3']);
    expect(i).toMatchObject({ file: '--set wanderers.count=-3', path: 'wanderers.count' });
  });

  it('runs semantic checks with paths (a grid cell larger than a zone)', () => {
    const [i] = issuesOf(GOOD.replace('cellM: 5', 'cellM: 80'));
    expect(i).toMatchObject({ line: 9, path: 'world.cellM' });
  });

  it('publishes the JSON Schema generated from the same definitions as the types', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8'),
    );
    expect(published, 'scenarios/schema.json is stale: run npm run schema').toEqual(scenarioJsonSchema());
  });
});

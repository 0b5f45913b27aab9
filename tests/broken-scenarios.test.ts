import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../lab/scenario/load.ts';
import '../lab/scenario/to-world.ts';

// A valid ecosystem scenario; each case below breaks one thing and names where the error must point.
const GOOD = `name: meadow
kind: ecosystem
seed: 3
ticks: 50
world:
  zonesX: 2
  zonesY: 1
  zoneWidthM: 40
  zoneHeightM: 40
  cellM: 2
  edge: stop
species:
  - name: sheep
    diet: herbivore
    count: 20
    movement: { mode: cell-walk }
    energy: { initial: { min: 0, max: 9 }, metabolism: 1, grassGain: 5 }
    reproduction: { mode: clone, probability: 0.2 }
  - name: wolf
    diet: carnivore
    prey: [sheep]
    count: 5
    movement: { mode: cell-walk }
    energy: { initial: 10, metabolism: 1, preyGain: 13 }
    reproduction: { mode: clone, probability: 0.1 }
    caps: { cellSoft: 2, cellHard: 4 }
grass:
  regrowthTicks: 10
`;

interface Case {
  name: string;
  edit: (s: string) => string;
  path: string;
  line?: number;
  message: RegExp;
  overrides?: string[];
}

const CASES: Case[] = [
  {
    name: 'missing name',
    edit: (s) => s.replace('name: meadow\n', ''),
    path: 'name',
    message: /missing required key 'name'/,
  },
  {
    name: 'unknown kind',
    edit: (s) => s.replace('kind: ecosystem', 'kind: battle'),
    path: 'kind',
    line: 2,
    message: /"ecosystem", "combat", "load", "bench"/,
  },
  {
    name: 'negative seed',
    edit: (s) => s.replace('seed: 3', 'seed: -3'),
    path: 'seed',
    line: 3,
    message: /expected/,
  },
  {
    name: 'ticks as text',
    edit: (s) => s.replace('ticks: 50', 'ticks: fifty'),
    path: 'ticks',
    line: 4,
    message: /expected integer/,
  },
  {
    name: 'zero ticks',
    edit: (s) => s.replace('ticks: 50', 'ticks: 0'),
    path: 'ticks',
    line: 4,
    message: /must be >= 1/,
  },
  {
    name: 'fractional zones',
    edit: (s) => s.replace('zonesX: 2', 'zonesX: 1.5'),
    path: 'world.zonesX',
    line: 6,
    message: /expected integer/,
  },
  {
    name: 'negative zone width',
    edit: (s) => s.replace('zoneWidthM: 40', 'zoneWidthM: -40'),
    path: 'world.zoneWidthM',
    line: 8,
    message: /must be > 0/,
  },
  {
    name: 'unknown world key',
    edit: (s) => s.replace('  cellM: 2\n', '  cellM: 2\n  wrap: yes\n'),
    path: 'world.wrap',
    line: 11,
    message: /unknown key 'wrap'/,
  },
  {
    name: 'bad edge',
    edit: (s) => s.replace('edge: stop', 'edge: teleport'),
    path: 'world.edge',
    line: 11,
    message: /"bounce", "stop", "wrap"/,
  },
  {
    name: 'cell larger than zone',
    edit: (s) => s.replace('cellM: 2', 'cellM: 50'),
    path: 'world.cellM',
    line: 10,
    message: /larger than a zone/,
  },
  {
    name: 'species is not a list',
    edit: (s) => s.replace(/species:\n[\s\S]*?grass:/, 'species: sheep\ngrass:'),
    path: 'species',
    line: 12,
    message: /expected array/,
  },
  {
    name: 'bad diet',
    edit: (s) => s.replace('diet: carnivore', 'diet: rocks'),
    path: 'species[1].diet',
    line: 20,
    message: /"herbivore", "carnivore", "omnivore"/,
  },
  {
    name: 'negative count',
    edit: (s) => s.replace('count: 5', 'count: -5'),
    path: 'species[1].count',
    line: 22,
    message: /must be >= 0/,
  },
  {
    name: 'bad movement mode',
    edit: (s) =>
      s.replace(
        'movement: { mode: cell-walk }\n    energy: { initial: 10',
        'movement: { mode: fly }\n    energy: { initial: 10',
      ),
    path: 'species[1].movement.mode',
    line: 23,
    message: /"cell-walk"/,
  },
  {
    name: 'probability above 1',
    edit: (s) => s.replace('probability: 0.1', 'probability: 1.5'),
    path: 'species[1].reproduction.probability',
    line: 25,
    message: /must be <= 1/,
  },
  {
    name: 'missing metabolism',
    edit: (s) => s.replace('metabolism: 1, preyGain: 13', 'preyGain: 13'),
    path: 'species[1].energy.metabolism',
    line: 24,
    message: /missing required key 'metabolism'/,
  },
  {
    name: 'unknown species key',
    edit: (s) => s.replace('    caps: { cellSoft: 2, cellHard: 4 }', '    wings: 2'),
    path: 'species[1].wings',
    line: 26,
    message: /unknown key 'wings'/,
  },
  {
    name: 'fractional cap',
    edit: (s) => s.replace('cellHard: 4', 'cellHard: 4.5'),
    path: 'species[1].caps.cellHard',
    line: 26,
    message: /expected integer/,
  },
  {
    name: 'bad species name',
    edit: (s) => s.replace('name: wolf', 'name: "big wolf"'),
    path: 'species[1].name',
    line: 19,
    message: /must match pattern/,
  },
  {
    name: 'zero regrowth',
    edit: (s) => s.replace('regrowthTicks: 10', 'regrowthTicks: 0'),
    path: 'grass.regrowthTicks',
    line: 28,
    message: /must be >= 1/,
  },
  {
    name: 'YAML syntax error',
    edit: (s) => s.replace('  zonesY: 1', '  zonesY: [1'),
    path: '',
    message: /YAML syntax/,
  },
  {
    name: 'duplicate key',
    edit: (s) => s.replace('ticks: 50', 'ticks: 50\nticks: 60'),
    path: '',
    line: 5,
    message: /YAML syntax.*[Uu]nique|Map keys must be unique/,
  },
  {
    name: 'not a mapping',
    edit: () => '- just\n- a list\n',
    path: '',
    line: 1,
    message: /expected a mapping/,
  },
  {
    name: 'bad --set value',
    edit: (s) => s,
    overrides: ['species.wolf.count=lots'],
    path: 'species[1].count',
    message: /expected integer/,
  },
  {
    name: '--set on a missing species',
    edit: (s) => s,
    overrides: ['species.bear.count=3'],
    path: 'species.bear.count=3',
    message: /no item named 'bear'/,
  },
  {
    name: '--set without =',
    edit: (s) => s,
    overrides: ['species.wolf.count'],
    path: 'species.wolf.count',
    message: /expected path=value/,
  },
];

function issuesOf(c: Case): ScenarioError['issues'] {
  try {
    parseScenario(c.edit(GOOD), { file: 'meadow.yaml', overrides: c.overrides });
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  throw new Error(`'${c.name}' was accepted`);
}

describe('broken scenarios', () => {
  it('the unbroken scenario is valid', () => {
    expect(parseScenario(GOOD, { file: 'meadow.yaml' }).species).toHaveLength(2);
  });

  it(`covers at least 20 kinds of mistakes (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of CASES)
    it(`${c.name}: points at ${c.path || 'the file'}${c.line ? ` line ${c.line}` : ''}`, () => {
      const issues = issuesOf(c);
      const hit = issues.find((i) => i.path === c.path && c.message.test(i.message));
      expect(hit, JSON.stringify(issues, null, 1)).toBeDefined();
      if (c.line !== undefined) expect(hit!.line).toBe(c.line);
      if (c.overrides) expect(hit!.file).toMatch(/^--set/);
      else expect(hit!.file).toBe('meadow.yaml');
      expect(hit!.line).toBeGreaterThanOrEqual(c.overrides ? 0 : 1);
    });
});

import { describe, expect, it } from 'vitest';
import { expandSweep, nestParams, parseGrid } from './sweep-plan.ts';

describe('sweep parameters', () => {
  it('nest by path as overrides split it, values read as scalars', () => {
    expect(
      nestParams({
        'species.wolf.caps.zoneHard': '6',
        'species[0].count': '40',
        'species.1.diet': 'herbivore',
        'grass.enabled': 'false',
      }),
    ).toEqual({
      species: { wolf: { caps: { zoneHard: 6 } }, 0: { count: 40 }, 1: { diet: 'herbivore' } },
      grass: { enabled: false },
    });
  });

  it('expand a grid × seeds into jobs with their overrides and flat parameters', () => {
    const jobs = expandSweep([parseGrid('species[0].count=10,20')], [1, 2]);
    expect(jobs.map((j) => [j.overrides, j.params, j.seed])).toEqual([
      [['species[0].count=10'], { 'species[0].count': '10' }, 1],
      [['species[0].count=10'], { 'species[0].count': '10' }, 2],
      [['species[0].count=20'], { 'species[0].count': '20' }, 1],
      [['species[0].count=20'], { 'species[0].count': '20' }, 2],
    ]);
  });
});

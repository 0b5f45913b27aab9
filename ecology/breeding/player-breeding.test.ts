import { describe, expect, it } from 'vitest';
import { binomialTwoSidedP } from '../genetics/statistics.ts';
import { compileCatalog } from './compatibility.ts';
import { DEER_TRAITS, deerGenome, deerParents, species } from './fixtures.ts';
import { breedPlayerOffspring, previewPlayerOffspring } from './player-breeding.ts';
import type { PlayerOffspring } from './player-breeding.ts';
import type { RosterCreature } from './roster.ts';

const deer = species(
  'deer',
  {
    ...deerGenome(0.02),
    loci: deerGenome(0.02).loci.map((l) =>
      l.kind === 'quantitative' ? { ...l, mutation: { rate: 0.05, sd: 0.1 } } : l,
    ),
  },
  DEER_TRAITS,
  { speed: 2 },
);
const elk = species('elk', deerGenome(), DEER_TRAITS, { speed: 3 });
const catalog = compileCatalog([deer, elk], [{ parents: ['deer', 'elk'], offspring: 'elk', fertility: 0.4 }]);
const { mother, father } = deerParents();
const creature = (id: number, sp: string, genome: Float32Array): RosterCreature => ({
  id,
  species: sp,
  name: `${sp} #${id}`,
  genome: Array.from(genome),
  traits: {},
  capturedAtTick: 0,
});
const doe = creature(7, 'deer', mother);
const buck = creature(3, 'deer', father);
const SECRET = 'server-secret';

describe('player breeding', () => {
  it('cannot be re-rolled: same parents and counter give the same child, whichever parent comes first', () => {
    const a = breedPlayerOffspring({ a: doe, b: buck, catalog }, 41, SECRET) as PlayerOffspring;
    expect(a.ok).toBe(true);
    expect(a.born).toBe(true);
    expect(a.parents).toEqual([3, 7]);
    expect(a.generation).toBe(1);
    expect(a.genome).toHaveLength(deer.layout.width);
    expect(breedPlayerOffspring({ a: doe, b: buck, catalog }, 41, SECRET)).toEqual(a);
    expect(breedPlayerOffspring({ a: buck, b: doe, catalog }, 41, SECRET)).toEqual(a);
  });

  it('the next counter, another secret or other parents give another child', () => {
    const a = breedPlayerOffspring({ a: doe, b: buck, catalog }, 41, SECRET) as PlayerOffspring;
    const others = [
      breedPlayerOffspring({ a: doe, b: buck, catalog }, 42, SECRET),
      breedPlayerOffspring({ a: doe, b: buck, catalog }, 41, 'another-secret'),
      breedPlayerOffspring({ a: doe, b: creature(4, 'deer', father), catalog }, 41, SECRET),
    ] as PlayerOffspring[];
    for (const o of others)
      expect(o.genome.concat(Object.values(o.traits))).not.toEqual(a.genome.concat(Object.values(a.traits)));
  });

  it('hybrids are born with the rule’s fertility (1,000 counters, exact binomial test) and of the offspring species', () => {
    const stag = creature(9, 'elk', father);
    let born = 0;
    for (let c = 0; c < 1000; c++) {
      const r = breedPlayerOffspring({ a: doe, b: stag, catalog }, c, SECRET) as PlayerOffspring;
      expect(r.species).toBe('elk');
      if (r.born) born++;
      else expect(r.genome).toEqual([]);
    }
    expect(binomialTwoSidedP(born, 1000, 0.4), `${born}/1000`).toBeGreaterThan(0.001);
  });

  it('refuses pairs that cannot breed, and previews the ones that can', () => {
    const lone = species('lone', { loci: [] }, {});
    const cat2 = compileCatalog([deer, elk, lone]);
    expect(
      breedPlayerOffspring({ a: doe, b: creature(5, 'lone', new Float32Array(0)), catalog: cat2 }, 0, SECRET),
    ).toMatchObject({ ok: false });
    expect(breedPlayerOffspring({ a: doe, b: doe, catalog }, 0, SECRET)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/itself/),
    });
    expect(
      breedPlayerOffspring({ a: doe, b: creature(5, 'deer', Float32Array.of(1, 2)), catalog }, 0, SECRET),
    ).toMatchObject({ ok: false });
    const p = previewPlayerOffspring({ a: doe, b: buck, catalog });
    expect(p).toMatchObject({ species: 'deer', method: 'exact' });
  });
});

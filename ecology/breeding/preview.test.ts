import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import { chiSquareHomogeneity, chiSquareTest, ksCritical } from '../genetics/statistics.ts';
import { breedCross, compileCatalog, crossOf, sameSpeciesCross } from './compatibility.ts';
import type { Cross } from './compatibility.ts';
import { DEER_TRAITS, deerGenome, deerParents, species } from './fixtures.ts';
import { binOf, offspringPreview } from './preview.ts';
import type { OffspringPreview, TraitPreview } from './preview.ts';

const ALPHA = 0.001;
const N = 10_000;

/** Trait rows of N actual breedings (with mutation, as at birth) of a cross. */
function actual(cross: Cross, mother: Float32Array, father: Float32Array, seed: number): Float32Array[] {
  const { layout, program } = cross.offspring;
  const child = new Float32Array(layout.width);
  const row = new Float32Array(program.width);
  const values = program.names.map(() => new Float32Array(N));
  const rng = streamFor(seed, 0, 0, 'actual-breedings');
  for (let i = 0; i < N; i++) {
    breedCross(cross, mother, 0, father, 0, child, 0, rng);
    program.evaluate(child, 0, row, 0, rng);
    values.forEach((v, t) => (v[i] = row[t]));
  }
  return values;
}

const trait = (p: OffspringPreview, name: string): TraitPreview => p.traits.find((t) => t.name === name)!;

/** Counts of actual values on a preview's atoms (exact values) or bins. */
function countsOn(t: TraitPreview, values: Float32Array): number[] {
  const counts = new Array(t.distribution.length).fill(0);
  const atoms = t.distribution.every((d) => d.from === d.to);
  for (const v of values) {
    const k = atoms
      ? t.distribution.findIndex((d) => d.from === v)
      : binOf(v, t.min, t.max, t.distribution.length);
    if (k < 0) throw new Error(`value ${v} of ${t.name} is not among the previewed values`);
    counts[k]++;
  }
  return counts;
}

/** Largest gap between the preview's CDF and the sample's, at the preview's bin edges. */
function cdfGap(t: TraitPreview, values: Float32Array): number {
  const counts = countsOn(t, values);
  let gap = 0;
  let pc = 0;
  let ec = 0;
  for (let k = 0; k < counts.length; k++) {
    pc += t.distribution[k].p;
    ec += counts[k] / values.length;
    gap = Math.max(gap, Math.abs(pc - ec));
  }
  return gap;
}

describe('offspring preview', () => {
  const { mother, father } = deerParents();

  it('exact enumeration (1,024 gamete pairs, linkage as weights) matches 10,000 actual breedings (χ², seed 1)', () => {
    const cross = sameSpeciesCross(species('deer', deerGenome(), DEER_TRAITS, { speed: 2 }));
    const p = offspringPreview(
      { cross, a: { genome: mother, off: 0 }, b: { genome: father, off: 0 } },
      { bins: 64 },
    );
    expect(p.method).toBe('exact');
    expect(p.combinations).toBe(1024);
    expect(p.genotypes.coat).toEqual({
      BB: expect.closeTo(0.25, 12),
      Bb: expect.closeTo(0.5, 12),
      bb: expect.closeTo(0.25, 12),
    });
    expect(p.phenotypes.size).toEqual({
      L: expect.closeTo(0.25, 12),
      'L/S': expect.closeTo(0.5, 12),
      S: expect.closeTo(0.25, 12),
    });
    const got = actual(cross, mother, father, 1);
    for (const [t, name] of cross.offspring.program.names.entries()) {
      const tp = trait(p, name);
      expect(tp.distribution.every((d) => d.from === d.to)).toBe(true);
      const counts = countsOn(tp, got[t]);
      const r = chiSquareTest(
        counts,
        tp.distribution.map((d) => d.p),
      );
      expect(r.p, `${name}: ${counts} vs ${tp.distribution.map((d) => d.p.toFixed(4))}`).toBeGreaterThan(
        ALPHA,
      );
      const mean = got[t].reduce((s, v) => s + v, 0) / N;
      expect(Math.abs(mean - tp.mean)).toBeLessThan(4 * (tp.sd / Math.sqrt(N)) + 1e-6);
    }
    // Power: a preview that ignored linkage (r = 0.5) is rejected by the same breedings.
    const unlinked = offspringPreview(
      {
        cross: sameSpeciesCross(species('deer', deerGenome(0, 0, 0.5), DEER_TRAITS, { speed: 2 })),
        a: { genome: mother, off: 0 },
        b: { genome: father, off: 0 },
      },
      { bins: 64 },
    );
    const bulk = trait(unlinked, 'bulk');
    expect(
      chiSquareTest(
        countsOn(bulk, got[1]),
        bulk.distribution.map((d) => d.p),
      ).p,
    ).toBeLessThan(ALPHA);
  });

  it('exact enumeration with environmental noise (quadrature) matches 10,000 breedings within KS + 1/(2M) (seed 2)', () => {
    const cross = sameSpeciesCross(species('deer', deerGenome(0.02), DEER_TRAITS, { speed: 2 }));
    const p = offspringPreview(
      { cross, a: { genome: mother, off: 0 }, b: { genome: father, off: 0 } },
      { bins: 64 },
    );
    expect(p.method).toBe('exact');
    expect(p.noisePoints).toBe(64);
    const speed = trait(p, 'speed');
    // speed is monotone in the one noisy gene, so the stratified quadrature's CDF is within 1/(2M) of the
    // true one; the sample's is within the one-sample KS distance (α = 0.001) of the true one.
    const bound = ksCritical(ALPHA, N) + 1 / (2 * p.noisePoints);
    const got = actual(cross, mother, father, 2);
    expect(cdfGap(speed, got[0])).toBeLessThan(bound);
    // Power: the same breedings reject a preview with four times the noise variance.
    const wrong = offspringPreview(
      {
        cross: sameSpeciesCross(species('deer', deerGenome(0.08), DEER_TRAITS, { speed: 2 })),
        a: { genome: mother, off: 0 },
        b: { genome: father, off: 0 },
      },
      { bins: 64 },
    );
    expect(cdfGap(trait(wrong, 'speed'), got[0])).toBeGreaterThan(bound);
  });

  it('samples 4,096 offspring beyond 4,096 combinations, and the sample matches 10,000 breedings (two-sample tests, seed 3)', () => {
    const { mother: m, father: f } = deerParents(4);
    const cross = sameSpeciesCross(species('deer', deerGenome(0.02, 4), DEER_TRAITS, { speed: 2 }));
    const p = offspringPreview({ cross, a: { genome: m, off: 0 }, b: { genome: f, off: 0 } }, { bins: 64 });
    expect(p.method).toBe('sampled');
    expect(p.combinations).toBe(4096);
    const got = actual(cross, m, f, 3);
    expect(cdfGap(trait(p, 'speed'), got[0])).toBeLessThan(ksCritical(ALPHA, 4096, N));
    for (const name of ['bulk', 'dark']) {
      const tp = trait(p, name);
      const previewCounts = tp.distribution.map((d) => Math.round(d.p * 4096));
      const r = chiSquareHomogeneity(
        previewCounts,
        countsOn(tp, got[cross.offspring.program.index.get(name)!]),
      );
      expect(r.p, name).toBeGreaterThan(ALPHA);
    }
    // Stable: the default stream comes from the parents.
    expect(
      offspringPreview({ cross, a: { genome: m, off: 0 }, b: { genome: f, off: 0 } }, { bins: 64 }),
    ).toEqual(p);
  });

  it('previews hybrids: exact when every locus maps, sampled when the offspring has loci of its own', () => {
    const wolf = species(
      'wolf',
      { loci: [{ name: 'coat', kind: 'discrete', alleles: ['black', 'grey'] }] },
      { dark: 'coat.black' },
    );
    const dog = species(
      'dog',
      { loci: [{ name: 'coat', kind: 'discrete', alleles: ['white', 'grey', 'black'] }] },
      { dark: 'coat.black' },
    );
    const wolfdog = species(
      'wolfdog',
      { loci: [{ name: 'coat', kind: 'discrete', alleles: ['grey', 'black', 'white'], mode: 'codominant' }] },
      { dark: 'coat.black' },
    );
    const mule = species(
      'mule',
      {
        loci: [
          { name: 'coat', kind: 'discrete', alleles: ['grey', 'black', 'white'] },
          { name: 'ears', kind: 'discrete', alleles: ['E', 'e'] },
        ],
      },
      { dark: 'coat.black' },
    );
    const catalog = compileCatalog(
      [wolf, dog, wolfdog, mule],
      [
        { parents: ['wolf', 'dog'], offspring: 'wolfdog', fertility: 0.5 },
        { parents: ['dog', 'wolfdog'], offspring: 'mule' },
      ],
    );
    // A black/grey wolf × a white/white dog: half the wolfdogs carry black (codominant: shown).
    const p = offspringPreview({
      cross: crossOf(catalog, 'wolf', 'dog')!,
      a: { genome: Float32Array.of(0, 1), off: 0 },
      b: { genome: Float32Array.of(0, 0), off: 0 },
    });
    expect(p).toMatchObject({ species: 'wolfdog', fertility: 0.5, method: 'exact', combinations: 2 });
    expect(p.genotypes.coat).toEqual({ 'black/white': 0.5, 'grey/white': 0.5 });
    expect(trait(p, 'dark').distribution).toEqual([
      { from: 0, to: 0, p: 0.5 },
      { from: 1, to: 1, p: 0.5 },
    ]);
    const q = offspringPreview({
      cross: crossOf(catalog, 'dog', 'wolfdog')!,
      a: { genome: Float32Array.of(0, 0), off: 0 },
      b: { genome: Float32Array.of(1, 1), off: 0 },
    });
    expect(q.method).toBe('sampled');
    expect(q.genotypes.coat).toEqual({ 'black/white': 1 });
    expect(Object.keys(q.genotypes.ears).sort()).toEqual(['EE', 'Ee', 'ee']);
  });
});

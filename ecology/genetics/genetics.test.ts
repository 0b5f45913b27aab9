import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import {
  breedPlayerOffspring,
  captureChance,
  compatibility,
  offspringPreview,
} from '../breeding/breeding.ts';
import { breed, compileGenome, genotypeLabel, initGenome, locusPhenotype, meiosis } from './genome.ts';
import type { GenomeDef } from './schema.ts';
import { SpecError } from './spec-error.ts';
import { populationStats } from './stats.ts';
import { compileTraits } from './traits.ts';

// χ² critical values at α = 0.001 by degrees of freedom.
const CHI2_001 = [0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458];
const chi2 = (observed: number[], expectedP: number[]): number => {
  const n = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((s, o, i) => s + (o - n * expectedP[i]) ** 2 / (n * expectedP[i]), 0);
};
// Two-sided binomial check at α = 0.001 (normal approximation, z = 3.29).
const withinBinomial = (successes: number, n: number, p: number): boolean =>
  Math.abs(successes / n - p) <= 3.29 * Math.sqrt((p * (1 - p)) / n);

const mono: GenomeDef = { loci: [{ name: 'coat', kind: 'discrete', alleles: ['A', 'a'] }] };
const di: GenomeDef = {
  loci: [
    { name: 'coat', kind: 'discrete', alleles: ['A', 'a'] },
    { name: 'tail', kind: 'discrete', alleles: ['B', 'b'] },
  ],
};

/** Genomes of two heterozygous parents (allele index 0 = dominant) at offsets 0 and 2L. */
function hetParents(loci: number): Float32Array {
  const g = new Float32Array(4 * loci);
  for (let l = 0; l < loci; l++) {
    g[2 * l] = 0;
    g[2 * l + 1] = 1;
    g[2 * loci + 2 * l] = 0;
    g[2 * loci + 2 * l + 1] = 1;
  }
  return g;
}

describe('Mendelian inheritance (seed 1, 10,000 crosses, χ² at α = 0.001)', () => {
  it('Aa × Aa gives AA:Aa:aa ≈ 1:2:1 and, with complete dominance, 3:1 phenotypes', () => {
    const layout = compileGenome(mono);
    const parents = hetParents(1);
    const child = new Float32Array(2);
    const rng = streamFor(1, 0, 0, 'mendel');
    const geno = { AA: 0, Aa: 0, aa: 0 } as Record<string, number>;
    const pheno = { A: 0, a: 0 } as Record<string, number>;
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 2, child, 0, rng);
      geno[genotypeLabel(layout, child, 0, 0)]++;
      pheno[locusPhenotype(layout, child, 0, 0)]++;
    }
    expect(chi2([geno.AA, geno.Aa, geno.aa], [0.25, 0.5, 0.25])).toBeLessThan(CHI2_001[2]);
    expect(chi2([pheno.A, pheno.a], [0.75, 0.25])).toBeLessThan(CHI2_001[1]);
  });

  it('AaBb × AaBb (unlinked) gives 9:3:3:1 phenotypes', () => {
    const layout = compileGenome(di);
    const parents = hetParents(2);
    const child = new Float32Array(4);
    const rng = streamFor(1, 0, 0, 'dihybrid');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 4, child, 0, rng);
      const a = locusPhenotype(layout, child, 0, 0) === 'A' ? 0 : 1;
      const b = locusPhenotype(layout, child, 0, 1) === 'B' ? 0 : 1;
      counts[a * 2 + b]++;
    }
    expect(chi2(counts, [9 / 16, 3 / 16, 3 / 16, 1 / 16])).toBeLessThan(CHI2_001[3]);
  });

  it('incomplete dominance blends and codominance shows both alleles', () => {
    const layout = compileGenome({
      loci: [
        { name: 'size', kind: 'discrete', alleles: ['L', 'S'], values: { L: 2, S: 1 }, mode: 'incomplete' },
        { name: 'blood', kind: 'discrete', alleles: ['A', 'B'], mode: 'codominant' },
      ],
    });
    const g = Float32Array.from([0, 1, 1, 0]);
    const program = compileTraits({ traits: { size: 'size' } }, layout);
    const out = new Float32Array(1);
    program.evaluate(g, 0, out, 0, null);
    expect(out[0]).toBe(1.5);
    expect(locusPhenotype(layout, g, 0, 1)).toBe('AB');
  });
});

describe('population genetics', () => {
  it('Hardy–Weinberg: after one generation of random mating, genotypes are p², 2pq, q²', () => {
    // Start far from equilibrium: 60 % AA, 40 % aa (p = 0.6, no heterozygotes).
    const layout = compileGenome(mono);
    const n = 20_000;
    const pop = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) pop[2 * i] = pop[2 * i + 1] = i < 0.6 * n ? 0 : 1;
    const rng = streamFor(1, 0, 0, 'hw');
    const next = new Float32Array(2 * n);
    for (let i = 0; i < n; i++)
      breed(layout, pop, 2 * Math.floor(rng() * n), 2 * Math.floor(rng() * n), next, 2 * i, rng);
    const counts = { AA: 0, Aa: 0, aa: 0 } as Record<string, number>;
    for (let i = 0; i < n; i++) counts[genotypeLabel(layout, next, 2 * i, 0)]++;
    const p = 0.6;
    expect(chi2([counts.AA, counts.Aa, counts.aa], [p * p, 2 * p * (1 - p), (1 - p) ** 2])).toBeLessThan(
      CHI2_001[2],
    );
    const stats = populationStats(
      layout,
      next,
      2,
      null,
      0,
      0,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    expect(withinBinomial(Math.round(stats.heterozygosity * n), n, 2 * p * (1 - p))).toBe(true);
  });

  for (const r of [0.1, 0.3])
    it(`linkage: the recombinant fraction between two loci matches the declared r = ${r}`, () => {
      const layout = compileGenome({
        loci: [
          { name: 'a', kind: 'discrete', alleles: ['A', 'a'], chromosome: 'c1' },
          { name: 'b', kind: 'discrete', alleles: ['B', 'b'], chromosome: 'c1', recombination: r },
        ],
      });
      // Coupling phase: maternal strand A–B, paternal a–b.
      const parent = Float32Array.from([0, 1, 0, 1]);
      const gamete = new Float32Array(4);
      const rng = streamFor(1, 0, 0, `linkage-${r}`);
      let recombinant = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        meiosis(layout, parent, 0, gamete, 0, 0, rng);
        if (gamete[0] !== gamete[2]) recombinant++;
      }
      expect(withinBinomial(recombinant, n, r)).toBe(true);
    });

  it('drift: in small neutral populations an allele fixes with probability ≈ its starting frequency', () => {
    const layout = compileGenome(mono);
    const n = 10; // diploid individuals: 20 alleles
    const p0 = 0.25;
    const replicates = 600;
    let fixed = 0;
    for (let rep = 0; rep < replicates; rep++) {
      const rng = streamFor(7, rep, 0, 'drift');
      let pop = new Float32Array(2 * n).map((_, k) => (k < 2 * n * p0 ? 0 : 1));
      for (let gen = 0; gen < 2000; gen++) {
        const next = new Float32Array(2 * n);
        for (let i = 0; i < n; i++)
          breed(layout, pop, 2 * Math.floor(rng() * n), 2 * Math.floor(rng() * n), next, 2 * i, rng);
        pop = next;
        const a = pop.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
        if (a === 0) break;
        if (a === 2 * n) {
          fixed++;
          break;
        }
      }
    }
    expect(withinBinomial(fixed, replicates, p0)).toBe(true);
  });

  it("selection response: truncation selection shifts the mean by ≈ h²·S (breeder's equation)", () => {
    const loci = 10;
    const genome: GenomeDef = {
      loci: Array.from({ length: loci }, (_, l) => ({
        name: `q${l}`,
        kind: 'quantitative' as const,
        trait: 'size',
        initial: { mean: 0, sd: 0.2 },
      })),
      noise: { size: 0.8 },
    };
    const layout = compileGenome(genome);
    const program = compileTraits({ traits: { size: 'size' } }, layout);
    const n = 8000;
    const w = 2 * loci;
    const pop = new Float32Array(n * w);
    const rng = streamFor(3, 0, 0, 'breeder');
    for (let i = 0; i < n; i++) initGenome(layout, pop, i * w, rng);
    const genetic = new Float64Array(n);
    const pheno = new Float64Array(n);
    const out = new Float32Array(1);
    for (let i = 0; i < n; i++) {
      program.evaluate(pop, i * w, out, 0, null);
      genetic[i] = out[0];
      program.evaluate(pop, i * w, out, 0, rng);
      pheno[i] = out[0];
    }
    const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    const variance = (a: ArrayLike<number>): number => {
      const m = mean(a);
      return Array.from(a).reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
    };
    const h2 = variance(genetic) / variance(pheno);
    // Truncation: the top 20 % by phenotype breed at random among themselves.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pheno[b] - pheno[a]);
    const parents = order.slice(0, n / 5);
    const S = mean(parents.map((i) => pheno[i])) - mean(pheno);
    const kids = new Float32Array(n * w);
    const kidPheno = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      breed(
        layout,
        pop,
        parents[Math.floor(rng() * parents.length)] * w,
        parents[Math.floor(rng() * parents.length)] * w,
        kids,
        i * w,
        rng,
      );
      program.evaluate(kids, i * w, out, 0, rng);
      kidPheno[i] = out[0];
    }
    const R = mean(kidPheno) - mean(pheno);
    // Tolerance: 4 standard errors of the two means plus 10 % for the equation's own approximation.
    const se = Math.sqrt(variance(kidPheno) / n + variance(pheno) / n);
    expect(h2).toBeGreaterThan(0.2);
    expect(Math.abs(R - h2 * S), `R ${R.toFixed(3)} vs h²S ${(h2 * S).toFixed(3)}`).toBeLessThan(
      4 * se + 0.1 * h2 * S,
    );
  });

  it('mutation happens at the declared rate', () => {
    const layout = compileGenome({
      loci: [{ name: 'coat', kind: 'discrete', alleles: ['A', 'a', 'x'], mutation: 0.02 }],
    });
    const parents = new Float32Array(4); // AA × AA
    const child = new Float32Array(2);
    const rng = streamFor(1, 0, 0, 'mutation');
    let mutated = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      breed(layout, parents, 0, 2, child, 0, rng);
      mutated += (child[0] !== 0 ? 1 : 0) + (child[1] !== 0 ? 1 : 0);
    }
    expect(withinBinomial(mutated, 2 * n, 0.02)).toBe(true);
  });
});

describe('traits', () => {
  const layout = compileGenome({
    loci: [
      { name: 'temperament', kind: 'quantitative', initial: { mean: 0.25, sd: 0.05 } },
      { name: 'diet', kind: 'discrete', alleles: ['herb', 'carn'], values: { herb: 0, carn: 1 } },
    ],
  });
  it('compiles designer formulas over genes and base stats', () => {
    const p = compileTraits(
      {
        base: { speed: 5 },
        traits: {
          speed: 'base.speed * (0.8 + 0.4 * temperament)',
          aggroRadius: '8 * (0.5 + temperament)',
          predator: 'diet',
        },
      },
      layout,
    );
    const g = Float32Array.from([0.25, 0.25, 1, 1]);
    const out = new Float32Array(3);
    p.evaluate(g, 0, out, 0, null);
    // Both diet alleles are 'carn' (index 1, value 1).
    expect(Array.from(out)).toEqual([5 * (0.8 + 0.4 * 0.5), 8, 1]);
  });
  it('the compiled fast path gives exactly what mathjs evaluates', async () => {
    const { evaluate } = await import('mathjs');
    const formulas = {
      a: '8 * (0.5 + temperament) ^ 2',
      b: 'max(0, min(1, temperament * 3 - 0.2))',
      c: 'round(temperament * 10) / 10 + mod(7, 3)',
      d: 'temperament > 0.3 ? sqrt(temperament) : exp(-temperament)',
      e: 'log(1 + temperament) + abs(-diet) - base.speed / 4',
    };
    const p = compileTraits({ base: { speed: 5 }, traits: formulas }, layout);
    const rng = streamFor(9, 0, 0, 'fast');
    const out = new Float32Array(5);
    for (let k = 0; k < 200; k++) {
      const t1 = rng() * 0.6;
      const t2 = rng() * 0.6;
      const g = Float32Array.from([t1, t2, k % 2, (k >> 1) % 2]);
      p.evaluate(g, 0, out, 0, null);
      const scope = {
        temperament: Math.fround(t1) + Math.fround(t2),
        diet: g[2] === 1 && g[3] === 1 ? 1 : 0,
        base: { speed: 5 },
      };
      Object.values(formulas).forEach((f, i) =>
        expect(out[i]).toBe(Math.fround(Number(evaluate(f, { ...scope })))),
      );
    }
  });

  it('rejects a formula that does not parse, or names an unknown gene or base stat, with its path', () => {
    const at = ['species', 2];
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ speed: 'base.speed * (0.8 +' }, /does not parse/],
      [{ speed: 'agility * 2' }, /unknown name 'agility'/],
      [{ speed: 'base.sped * 2' }, /unknown base stat 'base.sped'/],
      [{ speed: 'frobnicate(temperament)' }, /unknown function 'frobnicate'/],
    ];
    for (const [traits, msg] of cases) {
      try {
        compileTraits({ base: { speed: 5 }, traits }, layout, at);
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(SpecError);
        expect((err as SpecError).path).toEqual(['species', 2, 'traits', 'speed']);
        expect((err as SpecError).detail).toMatch(msg);
      }
    }
  });
});

describe('capture and player breeding', () => {
  it('capture chance follows base × (1 − hp/maxHp)^k × bonus, capped', () => {
    expect(captureChance(100, 100, { base: 0.8, k: 2 })).toBe(0);
    expect(captureChance(50, 100, { base: 0.8, k: 2 })).toBeCloseTo(0.2);
    expect(captureChance(0, 100, { base: 0.8, k: 2, itemBonus: 2 })).toBe(0.95);
  });
  it('only the same species, or a declared hybrid, can breed', () => {
    expect(compatibility('wolf', 'wolf')).toMatchObject({ ok: true, offspring: 'wolf' });
    expect(compatibility('wolf', 'dog').ok).toBe(false);
    expect(
      compatibility('dog', 'wolf', [{ parents: ['wolf', 'dog'], offspring: 'wolfdog', fertility: 0.5 }]),
    ).toMatchObject({ ok: true, offspring: 'wolfdog', fertility: 0.5 });
  });
  it('a player cannot re-roll: same parents and counter give the same child, the next counter another', () => {
    const layout = compileGenome(di);
    const parents = hetParents(2);
    const a = new Float32Array(4);
    const b = new Float32Array(4);
    const key = { secret: 's3cret', parentIds: [11, 12] as [number, number], counter: 7 };
    breedPlayerOffspring(layout, parents, 0, 4, a, 0, key);
    breedPlayerOffspring(layout, parents, 0, 4, b, 0, key);
    expect(Array.from(b)).toEqual(Array.from(a));
    const differs = [8, 9, 10, 11, 12].some((counter) => {
      breedPlayerOffspring(layout, parents, 0, 4, b, 0, { ...key, counter });
      return Array.from(b).join() !== Array.from(a).join();
    });
    expect(differs).toBe(true);
  });
});

describe('offspring preview', () => {
  it('exact enumeration matches 10,000 actual breedings (χ² over the trait distribution)', () => {
    const genome: GenomeDef = {
      loci: [
        {
          name: 'a',
          kind: 'discrete',
          alleles: ['A', 'a'],
          chromosome: 'c',
          values: { A: 1, a: 0 },
          mode: 'incomplete',
        },
        {
          name: 'b',
          kind: 'discrete',
          alleles: ['B', 'b'],
          chromosome: 'c',
          recombination: 0.2,
          values: { B: 2, b: 0 },
          mode: 'incomplete',
        },
        { name: 'c', kind: 'discrete', alleles: ['C', 'c'] },
      ],
    };
    const layout = compileGenome(genome);
    const program = compileTraits({ traits: { score: 'a + b + c' } }, layout);
    const parents = hetParents(3);
    const preview = offspringPreview(layout, program, parents, 0, 6);
    expect(preview.method).toBe('exact');
    expect(preview.combinations).toBe(64);
    const dist = preview.traits[0].distribution;
    const counts = new Map(dist.map((d) => [d.from, 0]));
    const child = new Float32Array(6);
    const out = new Float32Array(1);
    const rng = streamFor(1, 0, 0, 'preview');
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 6, child, 0, rng);
      program.evaluate(child, 0, out, 0, null);
      counts.set(out[0], (counts.get(out[0]) ?? 0) + 1);
    }
    expect(counts.size).toBe(dist.length);
    expect(
      chi2(
        dist.map((d) => counts.get(d.from)!),
        dist.map((d) => d.p),
      ),
    ).toBeLessThan(CHI2_001[dist.length - 1] ?? 30);
    expect(preview.genotypes.c.CC).toBeCloseTo(0.25, 12);
    expect(preview.genotypes.c.Cc).toBeCloseTo(0.5, 12);
    expect(preview.genotypes.c.cc).toBeCloseTo(0.25, 12);
  });

  it('samples when the combinations exceed 4096, and the sample matches actual breedings', () => {
    const genome: GenomeDef = {
      loci: Array.from({ length: 8 }, (_, l) => ({
        name: `q${l}`,
        kind: 'quantitative' as const,
        trait: 'size',
        initial: { mean: 0, sd: 0.5 },
      })),
      noise: { size: 0.1 },
    };
    const layout = compileGenome(genome);
    const program = compileTraits({ traits: { size: 'size' } }, layout);
    const parents = new Float32Array(32);
    initGenome(layout, parents, 0, streamFor(2, 0, 0, 'p'));
    initGenome(layout, parents, 16, streamFor(2, 0, 0, 'q'));
    const preview = offspringPreview(layout, program, parents, 0, 16, {
      rng: streamFor(2, 0, 0, 'sample'),
      samples: 10_000,
    });
    expect(preview.method).toBe('sampled');
    const child = new Float32Array(16);
    const out = new Float32Array(1);
    const rng = streamFor(2, 0, 0, 'actual');
    const xs: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 16, child, 0, rng);
      program.evaluate(child, 0, out, 0, rng);
      xs.push(out[0]);
    }
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    const t = preview.traits[0];
    // Two independent samples of 10,000: means within 4 standard errors, sds within 5 %.
    expect(Math.abs(t.mean - m)).toBeLessThan(4 * Math.sqrt((2 * sd * sd) / 10_000));
    expect(Math.abs(t.sd - sd) / sd).toBeLessThan(0.05);
  });
});

import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import { breed, compileGenome, hashGenome, initGenome, meiosis } from './genome.ts';
import type { GenomeDef } from './schema.ts';
import { genotypeIndex, locusClass, locusPhenotype, locusValue } from './phenotype.ts';
import { SpecError } from './spec-error.ts';
import { binomialTwoSidedP, chiSquareSurvival, chiSquareTest } from './statistics.ts';

// Every statistical check: fixed seed, rejected only when p < α = 0.001.
const ALPHA = 0.001;

const mono: GenomeDef = { loci: [{ name: 'coat', kind: 'discrete', alleles: ['A', 'a'] }] };
const di: GenomeDef = {
  loci: [
    { name: 'coat', kind: 'discrete', alleles: ['A', 'a'] },
    { name: 'tail', kind: 'discrete', alleles: ['B', 'b'] },
  ],
};

/** Two parents heterozygous (dominant allele maternal) at every one of `loci` loci, at offsets 0 and 2L. */
function hetParents(loci: number): Float32Array {
  const g = new Float32Array(4 * loci);
  for (let l = 0; l < loci; l++) {
    g[2 * l + 1] = 1;
    g[2 * loci + 2 * l + 1] = 1;
  }
  return g;
}

describe('compileGenome', () => {
  it('builds dominance tables: complete, incomplete and codominant pairs, and a dominance order', () => {
    const layout = compileGenome({
      loci: [
        {
          name: 'coat',
          kind: 'discrete',
          alleles: ['black', 'brown', 'white'],
          values: { black: 0, brown: 1, white: 2 },
          dominance: ['brown', 'black', 'white'],
          pairModes: { 'black/white': 'codominant', 'white/brown': 'incomplete' },
        },
      ],
    });
    const g = new Float32Array(2);
    const show = (a: number, b: number): [string, number] => {
      g[0] = a;
      g[1] = b;
      return [locusPhenotype(layout, g, 0, 0), locusValue(layout, g, 0, 0)];
    };
    expect(show(0, 1)).toEqual(['brown', 1]); // complete: brown dominates black
    expect(show(1, 0)).toEqual(['brown', 1]);
    expect(show(0, 2)).toEqual(['black/white', 1]); // codominant: both shown, value the mean
    expect(show(2, 1)).toEqual(['brown/white', 1.5]); // incomplete: a blend
    expect(show(2, 2)).toEqual(['white', 2]);
    expect(layout.classNames[0]).toEqual(['black', 'brown', 'white', 'black/white', 'brown/white']);
  });

  it('orders linked loci by position and derives r with Haldane’s map function', () => {
    const layout = compileGenome({
      loci: [
        { name: 'x', kind: 'discrete', alleles: ['X', 'x'], chromosome: 'c1', positionCM: 50 },
        { name: 'y', kind: 'discrete', alleles: ['Y', 'y'], chromosome: 'c1', positionCM: 10 },
        { name: 'z', kind: 'discrete', alleles: ['Z', 'z'] },
        {
          name: 'w',
          kind: 'discrete',
          alleles: ['W', 'w'],
          chromosome: 'c1',
          positionCM: 30,
          recombination: 0.05,
        },
      ],
    });
    expect(layout.chromosomes).toEqual([[1, 3, 0], [2]]);
    expect(layout.recombination[3]).toBe(0.05);
    expect(layout.recombination[0]).toBeCloseTo(0.5 * (1 - Math.exp(-0.4)), 12);
    expect(Array.from(layout.switchBefore)).toEqual([0.5, 0.05, layout.recombination[0], 0.5]);
  });

  it('rejects what the schema cannot see, with the path of the mistake', () => {
    const at = ['species', 3, 'genome'];
    const cases: Array<[GenomeDef, Array<string | number>, RegExp]> = [
      [
        { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a'], initial: { A: 0.5, x: 0.5 } }] },
        [...at, 'loci', 0, 'initial', 'x'],
        /unknown allele 'x'/,
      ],
      [
        { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a'], values: { B: 1 } }] },
        [...at, 'loci', 0, 'values', 'B'],
        /unknown allele 'B'/,
      ],
      [
        { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a'], dominance: ['A'] }] },
        [...at, 'loci', 0, 'dominance'],
        /every allele once/,
      ],
      [
        { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a'], pairModes: { 'A/z': 'incomplete' } }] },
        [...at, 'loci', 0, 'pairModes', 'A/z'],
        /two different alleles/,
      ],
      [
        { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a'], mutation: { matrix: [[1, 0]] } }] },
        [...at, 'loci', 0, 'mutation', 'matrix'],
        /2×2/,
      ],
      [
        {
          loci: [
            {
              name: 'c',
              kind: 'discrete',
              alleles: ['A', 'a'],
              mutation: {
                matrix: [
                  [0.9, 0.2],
                  [0, 1],
                ],
              },
            },
          ],
        },
        [...at, 'loci', 0, 'mutation', 'matrix', 0],
        /sum to 1/,
      ],
      [
        {
          loci: [
            { name: 'c', kind: 'discrete', alleles: ['A', 'a'] },
            { name: 'c', kind: 'discrete', alleles: ['A'] },
          ],
        },
        [...at, 'loci', 1, 'name'],
        /declared twice/,
      ],
      [
        { loci: [{ name: 'q', kind: 'quantitative' }], noise: { size: 1 } },
        [...at, 'noise', 'size'],
        /no polygenic trait 'size'/,
      ],
      [
        {
          loci: [
            { name: 'a', kind: 'discrete', alleles: ['A'], chromosome: 'c', positionCM: 1 },
            { name: 'b', kind: 'discrete', alleles: ['B'], chromosome: 'c' },
          ],
        },
        [...at, 'loci', 1, 'positionCM'],
        /every locus of chromosome 'c'/,
      ],
      [
        {
          loci: [
            { name: 'a', kind: 'discrete', alleles: ['A'], chromosome: 'c', recombination: 0.1 },
            { name: 'b', kind: 'discrete', alleles: ['B'], chromosome: 'c' },
          ],
        },
        [...at, 'loci', 0, 'recombination'],
        /first locus/,
      ],
    ];
    for (const [def, path, message] of cases) {
      let err: unknown;
      try {
        compileGenome(def, at);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(def)).toBeInstanceOf(SpecError);
      expect((err as SpecError).path).toEqual(path);
      expect((err as SpecError).detail).toMatch(message);
    }
  });

  it('draws founders from the declared frequencies (seed 4, 20,000 alleles)', () => {
    const layout = compileGenome({
      loci: [{ name: 'c', kind: 'discrete', alleles: ['a', 'b', 'c'], initial: { a: 0.5, b: 0.3, c: 0.2 } }],
    });
    const g = new Float32Array(2);
    const counts = [0, 0, 0];
    const rng = streamFor(4, 0, 0, 'init');
    for (let i = 0; i < 10_000; i++) {
      initGenome(layout, g, 0, rng);
      counts[g[0]]++;
      counts[g[1]]++;
    }
    expect(chiSquareTest(counts, [0.5, 0.3, 0.2]).p).toBeGreaterThan(ALPHA);
  });

  it('hashes genomes by their lanes', () => {
    const a = Float32Array.from([0, 1, 0.25, -0.5]);
    expect(hashGenome(a, 0, 4)).toBe(hashGenome(Float32Array.from(a), 0, 4));
    expect(hashGenome(a, 0, 4)).not.toBe(hashGenome(Float32Array.from([1, 0, 0.25, -0.5]), 0, 4));
  });
});

describe('Mendelian inheritance (10,000 crosses, χ² at α = 0.001)', () => {
  it('Aa × Aa gives AA:Aa:aa ≈ 1:2:1 and, with complete dominance, 3:1 phenotypes (seed 1)', () => {
    const layout = compileGenome(mono);
    const parents = hetParents(1);
    const child = new Float32Array(2);
    const rng = streamFor(1, 0, 0, 'mendel');
    const geno = [0, 0, 0];
    const pheno = [0, 0];
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 2, child, 0, rng);
      geno[genotypeIndex(layout, child, 0, 0)]++;
      pheno[locusClass(layout, child, 0, 0)]++;
    }
    expect(chiSquareTest(geno, [1, 2, 1]).p, `AA:Aa:aa = ${geno}`).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(pheno, [3, 1]).p, `A:a = ${pheno}`).toBeGreaterThan(ALPHA);
    // The test has power: equal ratios are rejected.
    expect(chiSquareTest(geno, [1, 1, 1]).p).toBeLessThan(ALPHA);
  });

  it('AaBb × AaBb (unlinked) gives 9:3:3:1 phenotypes (seed 1)', () => {
    const layout = compileGenome(di);
    const parents = hetParents(2);
    const child = new Float32Array(4);
    const rng = streamFor(1, 0, 0, 'dihybrid');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      breed(layout, parents, 0, 4, child, 0, rng);
      counts[locusClass(layout, child, 0, 0) * 2 + locusClass(layout, child, 0, 1)]++;
    }
    expect(chiSquareTest(counts, [9, 3, 3, 1]).p, `${counts}`).toBeGreaterThan(ALPHA);
  });

  it('the same stream gives the same offspring, another stream other offspring', () => {
    const layout = compileGenome({
      loci: Array.from({ length: 12 }, (_, l) => ({
        name: `q${l}`,
        kind: 'quantitative' as const,
        mutation: { rate: 0.1, sd: 0.1 },
      })),
    });
    const parents = new Float32Array(2 * layout.width);
    initGenome(layout, parents, 0, streamFor(5, 0, 0, 'p'));
    initGenome(layout, parents, layout.width, streamFor(5, 0, 1, 'p'));
    const brood = (seed: number): number[] => {
      const rng = streamFor(seed, 0, 0, 'brood');
      const out = new Float32Array(10 * layout.width);
      for (let i = 0; i < 10; i++) breed(layout, parents, 0, layout.width, out, i * layout.width, rng);
      return Array.from(out);
    };
    expect(brood(9)).toEqual(brood(9));
    expect(brood(9)).not.toEqual(brood(10));
  });
});

describe('population genetics', () => {
  it('Hardy–Weinberg: one generation of random mating gives p², 2pq, q² (seed 2)', () => {
    // Founders far from equilibrium: 30 % AA, 70 % aa, no heterozygotes (p = 0.3 exactly).
    const layout = compileGenome(mono);
    const n = 10_000;
    const pop = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) pop[2 * i] = pop[2 * i + 1] = i < 0.3 * n ? 0 : 1;
    const rng = streamFor(2, 0, 0, 'hw');
    const kids = 20_000;
    const next = new Float32Array(2 * kids);
    const geno = [0, 0, 0];
    for (let i = 0; i < kids; i++) {
      breed(layout, pop, 2 * Math.floor(rng() * n), 2 * Math.floor(rng() * n), next, 2 * i, rng);
      geno[genotypeIndex(layout, next, 2 * i, 0)]++;
    }
    const p = 0.3;
    const q = 1 - p;
    expect(chiSquareTest(geno, [p * p, 2 * p * q, q * q]).p, `${geno}`).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(geno, [p, 1e-9, q]).p).toBeLessThan(ALPHA);
  });

  const linkageCases: Array<[string, GenomeDef, number]> = [
    [
      'declared r = 0.1',
      {
        loci: [
          { name: 'a', kind: 'discrete', alleles: ['A', 'a'], chromosome: 'c1' },
          { name: 'b', kind: 'discrete', alleles: ['B', 'b'], chromosome: 'c1', recombination: 0.1 },
        ],
      },
      0.1,
    ],
    [
      'declared r = 0.3',
      {
        loci: [
          { name: 'a', kind: 'discrete', alleles: ['A', 'a'], chromosome: 'c1' },
          { name: 'b', kind: 'discrete', alleles: ['B', 'b'], chromosome: 'c1', recombination: 0.3 },
        ],
      },
      0.3,
    ],
    [
      'r = 0.1 then 0.3 through a middle locus: 0.1·0.7 + 0.9·0.3 = 0.34',
      {
        loci: [
          { name: 'a', kind: 'discrete', alleles: ['A', 'a'], chromosome: 'c1' },
          { name: 'm', kind: 'discrete', alleles: ['M', 'm'], chromosome: 'c1', recombination: 0.1 },
          { name: 'b', kind: 'discrete', alleles: ['B', 'b'], chromosome: 'c1', recombination: 0.3 },
        ],
      },
      0.34,
    ],
    [
      '20 cM apart (Haldane: 0.1648)',
      {
        loci: [
          { name: 'a', kind: 'discrete', alleles: ['A', 'a'], chromosome: 'c1', positionCM: 0 },
          { name: 'b', kind: 'discrete', alleles: ['B', 'b'], chromosome: 'c1', positionCM: 20 },
        ],
      },
      0.5 * (1 - Math.exp(-0.4)),
    ],
    ['different chromosomes', di, 0.5],
  ];
  for (const [label, def, r] of linkageCases)
    it(`linkage: the recombinant fraction matches ${label} (20,000 gametes, exact binomial test)`, () => {
      const layout = compileGenome(def);
      const L = layout.loci;
      // Coupling phase: the maternal strand carries every dominant allele, the paternal every recessive one.
      const parent = new Float32Array(2 * L);
      for (let l = 0; l < L; l++) parent[2 * l + 1] = 1;
      const first = 0;
      const last = layout.locusIndex.get(L === 3 ? 'b' : layout.names[1])!;
      const gamete = new Float32Array(2 * L);
      const rng = streamFor(1, 0, 0, `linkage-${label}`);
      const n = 20_000;
      let recombinant = 0;
      for (let i = 0; i < n; i++) {
        meiosis(layout, parent, 0, gamete, 0, 0, rng);
        if (gamete[2 * first] !== gamete[2 * last]) recombinant++;
      }
      expect(binomialTwoSidedP(recombinant, n, r), `${recombinant}/${n} vs ${r}`).toBeGreaterThan(ALPHA);
    });

  it('drift: in neutral Wright–Fisher populations of 20 an allele fixes with probability ≈ p₀ = 0.25 (500 seeds)', () => {
    const layout = compileGenome(mono);
    const n = 20; // diploids: 40 gene copies, 10 of them A
    const replicates = 500;
    let fixed = 0;
    let pop = new Float32Array(2 * n);
    let next = new Float32Array(2 * n);
    for (let rep = 0; rep < replicates; rep++) {
      const rng = streamFor(7, rep, 0, 'drift');
      for (let k = 0; k < 2 * n; k++) pop[k] = k < 10 ? 0 : 1;
      for (let gen = 0; gen < 10_000; gen++) {
        for (let i = 0; i < n; i++)
          breed(layout, pop, 2 * Math.floor(rng() * n), 2 * Math.floor(rng() * n), next, 2 * i, rng);
        [pop, next] = [next, pop];
        let a = 0;
        for (let k = 0; k < 2 * n; k++) if (pop[k] === 0) a++;
        if (a === 0) break;
        if (a === 2 * n) {
          fixed++;
          break;
        }
      }
    }
    expect(binomialTwoSidedP(fixed, replicates, 0.25), `${fixed}/${replicates} fixed`).toBeGreaterThan(ALPHA);
    expect(binomialTwoSidedP(fixed, replicates, 0.5)).toBeLessThan(ALPHA);
  });
});

describe('mutation (20,000 births = 40,000 transmitted alleles, seed 1)', () => {
  /** Counts the alleles children of two homozygous-`a0` parents carry. */
  function offspringAlleles(def: GenomeDef, a0: number, purpose: string): number[] {
    const layout = compileGenome(def);
    const parents = new Float32Array(2 * layout.width).fill(a0);
    const child = new Float32Array(layout.width);
    const counts = new Array(layout.alleles[0].length).fill(0);
    const rng = streamFor(1, 0, 0, purpose);
    for (let i = 0; i < 20_000; i++) {
      breed(layout, parents, 0, layout.width, child, 0, rng);
      counts[child[0]]++;
      counts[child[1]]++;
    }
    return counts;
  }

  it('a uniform rate: mutants at the declared rate, spread evenly over the other alleles', () => {
    const counts = offspringAlleles(
      { loci: [{ name: 'c', kind: 'discrete', alleles: ['A', 'a', 'x'], mutation: 0.02 }] },
      0,
      'mut-uniform',
    );
    const mutants = counts[1] + counts[2];
    expect(binomialTwoSidedP(mutants, 40_000, 0.02), `${mutants}`).toBeGreaterThan(ALPHA);
    expect(chiSquareTest([counts[1], counts[2]], [1, 1]).p).toBeGreaterThan(ALPHA);
  });

  it('a rate with a destination matrix: mutants at the rate, destinations weighted 3:1', () => {
    const counts = offspringAlleles(
      {
        loci: [
          {
            name: 'c',
            kind: 'discrete',
            alleles: ['A', 'a', 'x'],
            mutation: {
              rate: 0.03,
              matrix: [
                [0, 3, 1],
                [1, 0, 1],
                [1, 1, 0],
              ],
            },
          },
        ],
      },
      0,
      'mut-matrix',
    );
    expect(binomialTwoSidedP(counts[1] + counts[2], 40_000, 0.03)).toBeGreaterThan(ALPHA);
    expect(chiSquareTest([counts[1], counts[2]], [3, 1]).p, `${counts}`).toBeGreaterThan(ALPHA);
  });

  it('a full per-birth transition matrix', () => {
    const counts = offspringAlleles(
      {
        loci: [
          {
            name: 'c',
            kind: 'discrete',
            alleles: ['A', 'a', 'x'],
            mutation: {
              matrix: [
                [0.97, 0.02, 0.01],
                [0, 1, 0],
                [0, 0, 1],
              ],
            },
          },
        ],
      },
      0,
      'mut-full',
    );
    expect(chiSquareTest(counts, [0.97, 0.02, 0.01]).p, `${counts}`).toBeGreaterThan(ALPHA);
    // Rows of non-mutating alleles stay put.
    expect(
      offspringAlleles(
        {
          loci: [
            {
              name: 'c',
              kind: 'discrete',
              alleles: ['A', 'a'],
              mutation: {
                matrix: [
                  [0.9, 0.1],
                  [0, 1],
                ],
              },
            },
          ],
        },
        1,
        'mut-row',
      ),
    ).toEqual([0, 40_000]);
  });

  it('quantitative: effects change at the declared rate by normal steps of the declared sd', () => {
    const layout = compileGenome({
      loci: [
        { name: 'q', kind: 'quantitative', initial: { values: [1] }, mutation: { rate: 0.05, sd: 0.2 } },
      ],
    });
    const parents = new Float32Array(4).fill(1);
    const child = new Float32Array(2);
    const rng = streamFor(1, 0, 0, 'mut-quant');
    let mutated = 0;
    let sumSq = 0;
    for (let i = 0; i < 20_000; i++) {
      breed(layout, parents, 0, 2, child, 0, rng);
      for (const v of child)
        if (v !== 1) {
          mutated++;
          sumSq += ((v - 1) / 0.2) ** 2;
        }
    }
    expect(binomialTwoSidedP(mutated, 40_000, 0.05), `${mutated}`).toBeGreaterThan(ALPHA);
    // Σ (Δ/σ)² over m mutations is χ²(m) when the steps are N(0, σ²): two-sided test.
    const upper = chiSquareSurvival(sumSq, mutated);
    expect(2 * Math.min(upper, 1 - upper), `Σz² = ${sumSq.toFixed(1)} over ${mutated}`).toBeGreaterThan(
      ALPHA,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import { breed, compileGenome, initGenome } from './genome.ts';
import { compileTraits } from './traits.ts';

// Breeder's equation R = h²·S under truncation selection on an additive polygenic trait.
// 20 loci with effects ±0.1 at p = ½ give V_A = 40 × 0.01 = 0.4 (each allele has variance 0.01); the
// declared environmental variance 0.4 makes h² = V_A / (V_A + V_E) = 0.5. Each replicate: 5,000 founders
// (Hardy–Weinberg and linkage equilibrium), the top 20 % by phenotype mate at random, 5,000 offspring.
// With purely additive effects E[R | S] = h²·S (no dominance, first generation so no Bulmer effect), so
// D = R − h²·S has mean 0. The tolerance comes from the data: a one-sample t-test of D over 20 replicate
// seeds, |t| < t(0.9995, 19) = 3.883 (α = 0.001, two-sided; from the t tables). The same t-test must
// reject h² = 0 (R = 0) and h² = 1 (R = S), so the check has power.
const T_CRIT = 3.883;

describe("selection response (breeder's equation)", () => {
  it('truncation selection shifts the mean by ≈ h²·S (20 replicate seeds, t-test at α = 0.001)', () => {
    const L = 20;
    const layout = compileGenome({
      loci: Array.from({ length: L }, (_, l) => ({
        name: `q${l}`,
        kind: 'quantitative' as const,
        trait: 'size',
        initial: { values: [-0.1, 0.1] },
      })),
      noise: { size: 0.4 },
    });
    const program = compileTraits({ traits: { body: 'size' } }, layout);
    const h2 = 0.5;
    const n = 5000;
    const w = layout.width;
    const pop = new Float32Array(n * w);
    const kids = new Float32Array(n * w);
    const pheno = new Float64Array(n);
    const row = new Float32Array(1);
    const D: number[] = [];
    const R: number[] = [];
    const S: number[] = [];
    for (let rep = 0; rep < 20; rep++) {
      const rng = streamFor(11, rep, 0, 'breeder');
      let mean = 0;
      for (let i = 0; i < n; i++) {
        initGenome(layout, pop, i * w, rng);
        program.evaluate(pop, i * w, row, 0, rng);
        pheno[i] = row[0];
        mean += row[0] / n;
      }
      const parents = Int32Array.from({ length: n }, (_, i) => i)
        .sort((a, b) => pheno[b] - pheno[a])
        .subarray(0, n / 5);
      let sel = 0;
      for (const i of parents) sel += pheno[i] / parents.length;
      let kidMean = 0;
      for (let i = 0; i < n; i++) {
        const m = parents[Math.floor(rng() * parents.length)];
        let f = parents[Math.floor(rng() * parents.length)];
        while (f === m) f = parents[Math.floor(rng() * parents.length)];
        breed(layout, pop, m * w, f * w, kids, i * w, rng);
        program.evaluate(kids, i * w, row, 0, rng);
        kidMean += row[0] / n;
      }
      S.push(sel - mean);
      R.push(kidMean - mean);
      D.push(kidMean - mean - h2 * (sel - mean));
    }
    const t = (xs: number[]): number => {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
      return m / (sd / Math.sqrt(xs.length));
    };
    const meanR = R.reduce((s, x) => s + x, 0) / R.length;
    const meanS = S.reduce((s, x) => s + x, 0) / S.length;
    expect(Math.abs(t(D)), `R = ${meanR.toFixed(4)}, h²S = ${(h2 * meanS).toFixed(4)}`).toBeLessThan(T_CRIT);
    expect(Math.abs(t(R))).toBeGreaterThan(T_CRIT);
    expect(Math.abs(t(R.map((r, i) => r - S[i])))).toBeGreaterThan(T_CRIT);
  });
});

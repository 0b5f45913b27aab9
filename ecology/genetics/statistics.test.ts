import { lgamma } from 'mathjs';
import { describe, expect, it } from 'vitest';
import {
  binomialTwoSidedP,
  chiSquareCritical,
  chiSquareHomogeneity,
  chiSquareTest,
  ksCritical,
  lnGamma,
  normalQuantile,
} from './statistics.ts';

describe('test statistics', () => {
  it('χ² critical values at α = 0.001 match the tables', () => {
    const table = [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588];
    table.forEach((v, i) => expect(chiSquareCritical(i + 1, 0.001)).toBeCloseTo(v, 2));
    expect(chiSquareCritical(63, 0.001)).toBeCloseTo(103.442, 2);
  });

  it('ln Γ agrees with mathjs', () => {
    for (const x of [0.3, 2.5, 10, 123.4]) expect(lnGamma(x) / lgamma(x)).toBeCloseTo(1, 10);
    expect(lnGamma(1)).toBeCloseTo(0, 12);
  });

  it('pools cells with small expectations and computes p-values', () => {
    const r = chiSquareTest([50, 50, 1, 0], [0.5, 0.49, 0.005, 0.005]);
    expect(r.df).toBe(1);
    expect(chiSquareTest([250, 500, 250], [1, 2, 1]).p).toBeCloseTo(1, 10);
    expect(chiSquareHomogeneity([10, 20, 30], [20, 40, 60]).p).toBeCloseTo(1, 10);
    expect(chiSquareHomogeneity([100, 20], [20, 100]).p).toBeLessThan(1e-6);
  });

  it('binomial and normal quantiles', () => {
    expect(binomialTwoSidedP(5, 10, 0.5)).toBeCloseTo(1, 10);
    // P(X ≤ 1 or X ≥ 9) for X ~ Bin(10, ½) = 22/1024.
    expect(binomialTwoSidedP(1, 10, 0.5)).toBeCloseTo(22 / 1024, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.0005)).toBeCloseTo(-3.290527, 5);
    expect(ksCritical(0.001, 10_000)).toBeCloseTo(0.01949, 4);
  });
});

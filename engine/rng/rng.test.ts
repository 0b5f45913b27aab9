import { describe, expect, it } from 'vitest';
import { hash01, hash32, seedToU32, shuffle, streamFor } from './rng.ts';

describe('rng', () => {
  it('derives the same stream for the same (seed, zone, tick, purpose) and another one otherwise', () => {
    const a = streamFor(7, 1, 10, 'move');
    const b = streamFor(7, 1, 10, 'move');
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    for (const other of [
      streamFor(8, 1, 10, 'move'),
      streamFor(7, 2, 10, 'move'),
      streamFor(7, 1, 11, 'move'),
      streamFor(7, 1, 10, 'breed'),
    ]) {
      expect(Array.from({ length: 5 }, other)).not.toEqual(seqA);
    }
  });

  it('hash32 is uniform enough for hot loops (chi-square over 64 bins, seed 1)', () => {
    const bins = new Array(64).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) bins[Math.floor(hash01(1, 5, i, 3) * 64)]++;
    const expected = n / 64;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    // 63 degrees of freedom: the 0.999 quantile is about 103.4.
    expect(chi2).toBeLessThan(103.4);
    expect(hash32(1, 2, 3, 4)).toBe(hash32(1, 2, 3, 4));
    expect(hash32(1, 2, 3, 4)).not.toBe(hash32(1, 2, 3, 5));
  });

  it('maps string seeds to stable u32 seeds', () => {
    expect(seedToU32(42)).toBe(42);
    expect(seedToU32('wolves')).toBe(seedToU32('wolves'));
    expect(seedToU32('wolves')).not.toBe(seedToU32('sheep'));
  });

  it('shuffles deterministically', () => {
    const a = Int32Array.from({ length: 20 }, (_, i) => i);
    const b = a.slice();
    shuffle(streamFor(3, 0, 0, 's'), a);
    shuffle(streamFor(3, 0, 0, 's'), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import { compileGenome, initGenome } from './genome.ts';
import { alleleFrequencyRows, createPopulationStats, fillPopulationStats, populationStats } from './stats.ts';

describe('population statistics', () => {
  const layout = compileGenome({
    loci: [
      { name: 'coat', kind: 'discrete', alleles: ['a', 'b', 'c'] },
      { name: 'q', kind: 'quantitative', initial: { values: [-1, 0, 2] } },
      { name: 'tail', kind: 'discrete', alleles: ['T', 't'], initial: { T: 0.9, t: 0.1 } },
    ],
  });

  it('match a direct count over a random population (seed 6), with a genome stride and a subset of rows', () => {
    const n = 300;
    const stride = layout.width + 2; // the zone field may be wider than this species' genome
    const genomes = new Float32Array(n * stride);
    const traits = new Float32Array(n * 3);
    const rng = streamFor(6, 0, 0, 'stats');
    for (let i = 0; i < n; i++) {
      initGenome(layout, genomes, i * stride, rng);
      traits[i * 3] = rng();
      traits[i * 3 + 1] = 10 * rng();
    }
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const st = populationStats(layout, genomes, stride, traits, 3, 2, rows);
    const m = rows.length;
    for (let l = 0; l < layout.loci; l++) {
      const alleles = rows.flatMap((i) => [genomes[i * stride + 2 * l], genomes[i * stride + 2 * l + 1]]);
      const het =
        rows.filter((i) => genomes[i * stride + 2 * l] !== genomes[i * stride + 2 * l + 1]).length / m;
      expect(st.hetObserved[l]).toBeCloseTo(het, 12);
      if (layout.discrete[l]) {
        const freq = layout.alleles[l].map((_, k) => alleles.filter((a) => a === k).length / (2 * m));
        expect(Array.from(st.alleleFreq[l])).toEqual(freq.map((f) => expect.closeTo(f, 12)));
        expect(st.hetExpected[l]).toBeCloseTo(1 - freq.reduce((s, f) => s + f * f, 0), 12);
      } else {
        const mean = alleles.reduce((s, a) => s + a, 0) / alleles.length;
        expect(st.effectMean[l]).toBeCloseTo(mean, 10);
        expect(st.effectVar[l]).toBeCloseTo(
          alleles.reduce((s, a) => s + (a - mean) ** 2, 0) / alleles.length,
          10,
        );
      }
    }
    expect(st.heterozygosity).toBeCloseTo((st.hetObserved[0] + st.hetObserved[2]) / 2, 12);
    for (let t = 0; t < 2; t++) {
      const xs = rows.map((i) => traits[i * 3 + t]);
      const mean = xs.reduce((s, x) => s + x, 0) / m;
      expect(st.traitMean[t]).toBeCloseTo(mean, 10);
      expect(st.traitVar[t]).toBeCloseTo(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (m - 1), 10);
    }
    expect(alleleFrequencyRows(layout, st)).toHaveLength(5);
  });

  it('refill the same buffers without allocating new ones', () => {
    const out = createPopulationStats(layout, 0);
    const genomes = Float32Array.of(0, 1, 2, 2, 0, 0, 2, 2, -1, 0, 1, 1);
    const a = fillPopulationStats(
      layout,
      { genomes, genomeWidth: 6, traits: null, traitWidth: 0, indices: [0, 1], count: 2 },
      out,
    );
    expect(a).toBe(out);
    expect(Array.from(out.alleleFreq[0])).toEqual([0.25, 0.25, 0.5]);
    expect(out.hetObserved[0]).toBe(0.5);
    fillPopulationStats(
      layout,
      { genomes, genomeWidth: 6, traits: null, traitWidth: 0, indices: [1], count: 1 },
      out,
    );
    expect(Array.from(out.alleleFreq[0])).toEqual([0, 0, 1]);
    expect(out.alleleFreq[0].buffer).toBe(out.alleleFreqFlat.buffer);
  });
});

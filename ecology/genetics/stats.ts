import type { GenomeLayout } from './genome.ts';

/** Allele frequencies, heterozygosity and trait moments of a set of genomes (one pass each). */
export interface PopulationStats {
  n: number;
  /** allele[l][k]: frequency of allele k at discrete locus l (empty for quantitative loci). */
  alleleFreq: Float64Array[];
  /** Share of heterozygous discrete loci over individuals (observed heterozygosity). */
  heterozygosity: number;
  traitMean: Float64Array;
  traitVar: Float64Array;
}

/**
 * Statistics over the individuals at `indices` (genome rows of width 2 × loci in `genomes`, trait rows of
 * width `traitWidth` in `traits`).
 */
export function populationStats(
  layout: GenomeLayout,
  genomes: Float32Array,
  genomeWidth: number,
  traits: Float32Array | null,
  traitWidth: number,
  traitCount: number,
  indices: ArrayLike<number>,
  count = indices.length,
): PopulationStats {
  const alleleFreq = layout.alleles.map((a) => new Float64Array(a.length));
  let het = 0;
  let discreteLoci = 0;
  for (let l = 0; l < layout.loci; l++) if (layout.discrete[l]) discreteLoci++;
  const mean = new Float64Array(traitCount);
  const m2 = new Float64Array(traitCount);
  for (let k = 0; k < count; k++) {
    const i = indices[k];
    const g = i * genomeWidth;
    for (let l = 0; l < layout.loci; l++) {
      if (!layout.discrete[l]) continue;
      const a = genomes[g + 2 * l];
      const b = genomes[g + 2 * l + 1];
      alleleFreq[l][a]++;
      alleleFreq[l][b]++;
      if (a !== b) het++;
    }
    if (traits)
      for (let t = 0; t < traitCount; t++) {
        // Welford's running mean and variance.
        const x = traits[i * traitWidth + t];
        const d = x - mean[t];
        mean[t] += d / (k + 1);
        m2[t] += d * (x - mean[t]);
      }
  }
  for (const f of alleleFreq) for (let k = 0; k < f.length; k++) f[k] = count > 0 ? f[k] / (2 * count) : 0;
  return {
    n: count,
    alleleFreq,
    heterozygosity: count > 0 && discreteLoci > 0 ? het / (count * discreteLoci) : 0,
    traitMean: mean,
    traitVar: m2.map((v) => (count > 1 ? v / (count - 1) : 0)),
  };
}

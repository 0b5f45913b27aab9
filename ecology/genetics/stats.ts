import type { GenomeLayout } from './genome.ts';

/**
 * Genetic and trait statistics of a set of individuals of one species. Per-locus arrays are indexed by
 * locus; allele frequencies live in one flat buffer (by `layout.alleleBase`) with a view per locus.
 */
export interface PopulationStats {
  n: number;
  /** alleleFreq[l][k]: frequency of allele k at discrete locus l (empty for quantitative loci). */
  alleleFreq: Float64Array[];
  /** All discrete allele frequencies, flat, by `layout.alleleBase[l] + k`. */
  alleleFreqFlat: Float64Array;
  /** Observed heterozygosity pooled over discrete loci: heterozygous (individual, locus) pairs / (n × discrete loci). */
  heterozygosity: number;
  /** Per locus: share of individuals whose two alleles differ (identity by state; for a quantitative locus that is nearly 1 unless its starting effects come from a short `values` list). */
  hetObserved: Float64Array;
  /** Per discrete locus: expected heterozygosity 1 − Σ p² (NaN for quantitative loci). */
  hetExpected: Float64Array;
  /** Per quantitative locus: mean and variance (÷ 2n) of its allele effects (NaN for discrete loci). */
  effectMean: Float64Array;
  effectVar: Float64Array;
  /** Per trait: mean and sample variance (÷ (n − 1); 0 when n < 2). */
  traitMean: Float64Array;
  traitVar: Float64Array;
}

/** Zeroed statistics buffers for a species, to be filled again and again by `fillPopulationStats`. */
export function createPopulationStats(layout: GenomeLayout, traitCount: number): PopulationStats {
  const flat = new Float64Array(layout.alleleBase[layout.loci]);
  return {
    n: 0,
    alleleFreq: layout.alleles.map((_, l) => flat.subarray(layout.alleleBase[l], layout.alleleBase[l + 1])),
    alleleFreqFlat: flat,
    heterozygosity: 0,
    hetObserved: new Float64Array(layout.loci),
    hetExpected: new Float64Array(layout.loci),
    effectMean: new Float64Array(layout.loci),
    effectVar: new Float64Array(layout.loci),
    traitMean: new Float64Array(traitCount),
    traitVar: new Float64Array(traitCount),
  };
}

/** Where the individuals are: genome rows of `genomeWidth` lanes, trait rows of `traitWidth` values, by entity index. */
export interface PopulationView {
  genomes: Float32Array;
  genomeWidth: number;
  traits: Float32Array | null;
  traitWidth: number;
  /** Entity indices of the individuals (rows), the first `count` of which are used. */
  indices: ArrayLike<number>;
  count: number;
}

/**
 * Fills `out` from the individuals of `view` in one pass over their genome and trait rows (Welford's
 * running moments for effects and traits); allocates nothing.
 */
export function fillPopulationStats(
  layout: GenomeLayout,
  view: PopulationView,
  out: PopulationStats,
): PopulationStats {
  const L = layout.loci;
  const { genomes, genomeWidth, traits, traitWidth, indices, count } = view;
  const counts = out.alleleFreqFlat;
  const het = out.hetObserved;
  const eMean = out.effectMean;
  const eM2 = out.effectVar;
  const tMean = out.traitMean;
  const tM2 = out.traitVar;
  const T = tMean.length;
  counts.fill(0);
  het.fill(0);
  eMean.fill(0);
  eM2.fill(0);
  tMean.fill(0);
  tM2.fill(0);
  const K = layout.alleleCount;
  const base = layout.alleleBase;
  for (let k = 0; k < count; k++) {
    const i = indices[k];
    const g = i * genomeWidth;
    for (let l = 0; l < L; l++) {
      const a = genomes[g + 2 * l];
      const b = genomes[g + 2 * l + 1];
      if (a !== b) het[l]++;
      if (K[l] > 0) {
        counts[base[l] + a]++;
        counts[base[l] + b]++;
      } else {
        // Two Welford updates (allele counts 2k + 1 and 2k + 2).
        let d = a - eMean[l];
        eMean[l] += d / (2 * k + 1);
        eM2[l] += d * (a - eMean[l]);
        d = b - eMean[l];
        eMean[l] += d / (2 * k + 2);
        eM2[l] += d * (b - eMean[l]);
      }
    }
    if (traits)
      for (let t = 0; t < T; t++) {
        const x = traits[i * traitWidth + t];
        const d = x - tMean[t];
        tMean[t] += d / (k + 1);
        tM2[t] += d * (x - tMean[t]);
      }
  }
  let hetSum = 0;
  let discreteLoci = 0;
  for (let l = 0; l < L; l++) {
    het[l] = count > 0 ? het[l] / count : 0;
    if (K[l] > 0) {
      discreteLoci++;
      hetSum += het[l];
      let sumSq = 0;
      for (let a = base[l]; a < base[l + 1]; a++) {
        counts[a] = count > 0 ? counts[a] / (2 * count) : 0;
        sumSq += counts[a] * counts[a];
      }
      out.hetExpected[l] = count > 0 ? 1 - sumSq : 0;
      eMean[l] = NaN;
      eM2[l] = NaN;
    } else {
      out.hetExpected[l] = NaN;
      eM2[l] = count > 0 ? eM2[l] / (2 * count) : 0;
    }
  }
  for (let t = 0; t < T; t++) tM2[t] = count > 1 ? tM2[t] / (count - 1) : 0;
  out.n = count;
  out.heterozygosity = count > 0 && discreteLoci > 0 ? hetSum / discreteLoci : 0;
  return out;
}

/**
 * Statistics over the individuals at `indices` (genome rows of width `genomeWidth` in `genomes`, trait rows
 * of width `traitWidth` in `traits`, the first `traitCount` traits of each). Allocates the result; use
 * `createPopulationStats` + `fillPopulationStats` to reuse buffers.
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
  return fillPopulationStats(
    layout,
    { genomes, genomeWidth, traits, traitWidth, indices, count },
    createPopulationStats(layout, traitCount),
  );
}

/** One row per discrete allele (`genes(locus, allele, freq)` in the lab's store). */
export function alleleFrequencyRows(
  layout: GenomeLayout,
  stats: PopulationStats,
): Array<{ locus: string; allele: string; freq: number }> {
  const rows: Array<{ locus: string; allele: string; freq: number }> = [];
  for (let l = 0; l < layout.loci; l++)
    layout.alleles[l].forEach((allele, k) =>
      rows.push({ locus: layout.names[l], allele, freq: stats.alleleFreq[l][k] }),
    );
  return rows;
}

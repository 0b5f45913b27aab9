import { shuffle, streamFromKey } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import { hashGenome } from '../genetics/genome.ts';
import type { GenomeLayout } from '../genetics/genome.ts';
import { genotypeIndex, locusClass, pairLabel } from '../genetics/phenotype.ts';
import { normalQuantile } from '../genetics/statistics.ts';
import { breedCross } from './compatibility.ts';
import type { Cross, GameteMap } from './compatibility.ts';

/** A parent's genome: `width` lanes of its species at `genome[off…]`. */
export interface PreviewParent {
  genome: Float32Array;
  off: number;
}

/** What to preview: a cross and its two parents (a → maternal lanes, b → paternal). */
export interface PreviewInput {
  cross: Cross;
  a: PreviewParent;
  b: PreviewParent;
}

/** Options of `offspringPreview`. */
export interface PreviewOptions {
  /** Enumerate exactly up to this many gamete combinations (default 4096). */
  maxExact?: number;
  /** Offspring sampled when enumeration would be larger (default 4096). */
  samples?: number;
  /** Histogram bins of a trait with more distinct values than this (default 12). */
  bins?: number;
  /** Environmental-noise quadrature points per combination on the exact path (default 65536 / combinations, in [16, 256]). */
  noisePoints?: number;
  /** Stream for the sampled path (default: derived from the parents' genomes, so the preview is stable). */
  rng?: Rng;
}

/** One trait's distribution among possible offspring. */
export interface TraitPreview {
  name: string;
  min: number;
  max: number;
  mean: number;
  sd: number;
  /**
   * Distinct values with their probabilities (`from === to`) when there are at most `bins`, else
   * equal-width bins over [min, max] (a value v falls in bin ⌊(v − min)/width⌋, the last bin closed).
   */
  distribution: Array<{ from: number; to: number; p: number }>;
}

/** What two parents can produce. */
export interface OffspringPreview {
  species: string;
  /** Chance that the pairing yields an offspring at all (hybrid rules). */
  fertility: number;
  method: 'exact' | 'sampled';
  /** Gamete combinations enumerated, or offspring sampled. */
  combinations: number;
  /** Quadrature points per combination for environmental noise (1 when no trait reads a noisy gene). */
  noisePoints: number;
  traits: TraitPreview[];
  /** Discrete loci: genotype label (dominant allele first) → probability. */
  genotypes: Record<string, Record<string, number>>;
  /** Discrete loci: phenotype class (see `GenomeLayout.classNames`) → probability. */
  phenotypes: Record<string, Record<string, number>>;
}

/** Every distinct gamete of a parent with its probability, or null when there are more than `max`. */
interface Gametes {
  count: number;
  /** count × L alleles (in the parent's layout). */
  alleles: Float32Array;
  p: Float64Array;
}

/**
 * Distinct gametes: only heterozygous loci create alternatives. Along the meiosis order, the strand
 * switches between consecutive heterozygous loci with R = (1 − Π(1 − 2r))/2 over the intervals between
 * them (no interference; R = 0.5 across chromosomes).
 */
function enumerateGametes(layout: GenomeLayout, g: Float32Array, off: number, max: number): Gametes | null {
  const L = layout.loci;
  const het: number[] = [];
  const switchR: number[] = [];
  let keep = 1;
  for (let k = 0; k < L; k++) {
    const l = layout.meiosisOrder[k];
    keep *= 1 - 2 * layout.switchBefore[k];
    if (g[off + 2 * l] === g[off + 2 * l + 1]) continue;
    switchR.push(het.length === 0 ? 0.5 : (1 - keep) / 2);
    het.push(l);
    keep = 1;
  }
  const h = het.length;
  if (2 ** h > max) return null;
  const all = 1 << h;
  const ps: number[] = [];
  const masks: number[] = [];
  for (let mask = 0; mask < all; mask++) {
    let p = 1;
    for (let j = 0; j < h; j++) {
      const bit = (mask >> j) & 1;
      const prev = j === 0 ? 0 : (mask >> (j - 1)) & 1;
      p *= bit !== prev ? switchR[j] : 1 - switchR[j];
    }
    if (p > 0) {
      ps.push(p);
      masks.push(mask);
    }
  }
  const alleles = new Float32Array(ps.length * L);
  masks.forEach((mask, i) => {
    for (let l = 0; l < L; l++) alleles[i * L + l] = g[off + 2 * l];
    het.forEach((l, j) => (alleles[i * L + l] = g[off + 2 * l + ((mask >> j) & 1)]));
  });
  return { count: ps.length, alleles, p: Float64Array.from(ps) };
}

function placeGamete(
  gam: Gametes,
  i: number,
  L: number,
  map: GameteMap | null,
  child: Float32Array,
  lane: number,
): void {
  const base = i * L;
  if (!map) {
    for (let l = 0; l < L; l++) child[2 * l + lane] = gam.alleles[base + l];
    return;
  }
  for (let l = 0; l < map.to.loci; l++) {
    const s = map.source[l];
    const v = gam.alleles[base + s];
    child[2 * l + lane] = map.alleleMapBase[l] >= 0 ? map.alleleMap[map.alleleMapBase[l] + v] : v;
  }
}

function summarise(
  name: string,
  values: Float32Array,
  stride: number,
  t: number,
  weights: Float64Array,
  bins: number,
): TraitPreview {
  const n = weights.length;
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i * stride + t];
    if (v < min) min = v;
    if (v > max) max = v;
    mean += v * weights[i];
    wsum += weights[i];
  }
  mean /= wsum;
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += weights[i] * (values[i * stride + t] - mean) ** 2;
  const distinct = new Map<number, number>();
  for (let i = 0; i < n && distinct.size <= bins; i++) {
    const v = values[i * stride + t];
    distinct.set(v, (distinct.get(v) ?? 0) + weights[i] / wsum);
  }
  let distribution: TraitPreview['distribution'];
  if (distinct.size <= bins)
    distribution = [...distinct.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([x, p]) => ({ from: x, to: x, p }));
  else {
    const w = (max - min) / bins;
    distribution = Array.from({ length: bins }, (_, k) => ({
      from: min + k * w,
      to: k === bins - 1 ? max : min + (k + 1) * w,
      p: 0,
    }));
    for (let i = 0; i < n; i++)
      distribution[binOf(values[i * stride + t], min, max, bins)].p += weights[i] / wsum;
  }
  return { name, min, max, mean, sd: Math.sqrt(m2 / wsum), distribution };
}

/** The bin of value `v` in a `TraitPreview` histogram over [min, max] (values outside go to the end bins). */
export function binOf(v: number, min: number, max: number, bins: number): number {
  const k = Math.floor(((v - min) / (max - min)) * bins);
  return k < 0 ? 0 : k >= bins ? bins - 1 : k;
}

/**
 * The offspring two parents can have: per trait its range, mean, sd and distribution, and per discrete
 * locus the genotype and phenotype-class probabilities. Exact when the distinct gamete combinations number
 * at most `maxExact` (4096): every pair of gametes, weighted by its probability under the declared
 * recombination chances, with environmental noise integrated by stratified quadrature (M points per
 * combination at the normal quantiles (m + ½)/M, a Latin hypercube when several genes are noisy; for one
 * noisy gene the preview's CDF is within 1/(2M) of the true one). Otherwise sampled: `samples` offspring
 * bred from a stream derived from the parents, with noise drawn as at birth. Mutation is left out of both
 * (rare by design): a mutant may fall outside the previewed range.
 */
export function offspringPreview(input: PreviewInput, options: PreviewOptions = {}): OffspringPreview {
  const { cross, a, b } = input;
  const layout = cross.offspring.layout;
  const program = cross.offspring.program;
  const L = layout.loci;
  const T = program.width;
  const maxExact = options.maxExact ?? 4096;
  const bins = options.bins ?? 12;
  const ga =
    cross.mapA && !cross.mapA.complete ? null : enumerateGametes(cross.a.layout, a.genome, a.off, maxExact);
  const gb =
    cross.mapB && !cross.mapB.complete ? null : enumerateGametes(cross.b.layout, b.genome, b.off, maxExact);
  const exact = ga !== null && gb !== null && ga.count * gb.count <= maxExact;
  const noisy = program.noisyGenes.length;
  let combos: number;
  let M = 1;
  if (exact) {
    combos = ga.count * gb.count;
    if (noisy > 0) M = options.noisePoints ?? Math.min(256, Math.max(16, Math.floor(65536 / combos)));
  } else combos = options.samples ?? 4096;
  const N = combos * M;
  const values = new Float32Array(N * T);
  const weights = new Float64Array(N);
  const child = new Float32Array(layout.width);
  const geno = layout.alleles.map((al) => new Float64Array((al.length * (al.length + 1)) / 2));
  const pheno = layout.classNames.map((c) => new Float64Array(c.length));
  const tally = (w: number): void => {
    for (let l = 0; l < L; l++) {
      if (!layout.discrete[l]) continue;
      geno[l][genotypeIndex(layout, child, 0, l)] += w;
      pheno[l][locusClass(layout, child, 0, l)] += w;
    }
  };
  let at = 0;
  if (exact) {
    // Quadrature deviates: z[m][j] for point m and noisy gene j; gene j > 0 takes a fixed permutation of the strata.
    const zs: Float64Array[] = [];
    const perms = Array.from({ length: noisy }, (_, j) => {
      const p = Int32Array.from({ length: M }, (_, m) => m);
      if (j > 0) shuffle(streamFromKey(`preview-lhs:${j}:${M}`), p);
      return p;
    });
    for (let m = 0; m < M; m++) zs.push(Float64Array.from(perms, (p) => normalQuantile((p[m] + 0.5) / M)));
    for (let i = 0; i < ga.count; i++) {
      placeGamete(ga, i, cross.a.layout.loci, cross.mapA, child, 0);
      for (let k = 0; k < gb.count; k++) {
        placeGamete(gb, k, cross.b.layout.loci, cross.mapB, child, 1);
        const w = ga.p[i] * gb.p[k];
        tally(w);
        for (let m = 0; m < M; m++) {
          program.evaluateAt(child, 0, values, at * T, zs[m]);
          weights[at++] = w / M;
        }
      }
    }
  } else {
    const rng =
      options.rng ??
      streamFromKey(
        `preview|${cross.offspring.name}|${hashGenome(a.genome, a.off, cross.a.layout.width)}|${hashGenome(b.genome, b.off, cross.b.layout.width)}`,
      );
    for (let s = 0; s < combos; s++) {
      breedCross(cross, a.genome, a.off, b.genome, b.off, child, 0, rng, false);
      program.evaluate(child, 0, values, at * T, rng);
      tally(1 / combos);
      weights[at++] = 1 / combos;
    }
  }

  const genotypes: OffspringPreview['genotypes'] = {};
  const phenotypes: OffspringPreview['phenotypes'] = {};
  for (let l = 0; l < L; l++) {
    if (!layout.discrete[l]) continue;
    const K = layout.alleles[l].length;
    const g: Record<string, number> = {};
    let idx = 0;
    for (let lo = 0; lo < K; lo++)
      for (let hi = lo; hi < K; hi++, idx++)
        if (geno[l][idx] > 0) g[pairLabel(layout, l, lo, hi)] = geno[l][idx];
    genotypes[layout.names[l]] = g;
    const p: Record<string, number> = {};
    layout.classNames[l].forEach((c, k) => {
      if (pheno[l][k] > 0) p[c] = pheno[l][k];
    });
    phenotypes[layout.names[l]] = p;
  }
  return {
    species: cross.offspring.name,
    fertility: cross.fertility,
    method: exact ? 'exact' : 'sampled',
    combinations: combos,
    noisePoints: M,
    traits: program.names.map((name, t) => summarise(name, values, T, t, weights, bins)),
    genotypes,
    phenotypes,
  };
}

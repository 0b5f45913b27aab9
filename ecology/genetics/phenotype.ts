import { LOCUS_MODE } from './genome.ts';
import type { GenomeLayout } from './genome.ts';

/**
 * The value locus `l` expresses. Discrete: complete dominance → the dominant allele's value; incomplete
 * (blend) or codominant → the mean of both allele values. Quantitative: the sum of both allele effects.
 */
export function locusValue(layout: GenomeLayout, g: Float32Array, off: number, l: number): number {
  const a = g[off + 2 * l];
  const b = g[off + 2 * l + 1];
  const K = layout.alleleCount[l];
  return K > 0 ? layout.pairValue[layout.pairBase[l] + a * K + b] : a + b;
}

/**
 * Phenotype class of discrete locus `l`, an index into `layout.classNames[l]`: the expressed allele (complete
 * dominance, homozygotes), else the combined class `'dom/rec'`: a blend (incomplete) or both alleles shown
 * (codominant, e.g. a roan coat). −1 for a quantitative locus.
 */
export function locusClass(layout: GenomeLayout, g: Float32Array, off: number, l: number): number {
  const K = layout.alleleCount[l];
  return K > 0 ? layout.pairClass[layout.pairBase[l] + g[off + 2 * l] * K + g[off + 2 * l + 1]] : -1;
}

/** Name of the phenotype class of discrete locus `l` (no allocation: the names are built at compile time). */
export function locusPhenotype(layout: GenomeLayout, g: Float32Array, off: number, l: number): string {
  const c = locusClass(layout, g, off, l);
  return c >= 0 ? layout.classNames[l][c] : '';
}

/** Label of the genotype (a, b) of discrete locus `l`, the more dominant allele first: `Aa`, or `long/short` when allele names are longer than one character. */
export function pairLabel(layout: GenomeLayout, l: number, a: number, b: number): string {
  const names = layout.alleles[l];
  const rank = layout.dominanceRank;
  const base = layout.alleleBase[l];
  const [x, y] = rank[base + a] <= rank[base + b] ? [names[a], names[b]] : [names[b], names[a]];
  return x.length === 1 && y.length === 1 ? x + y : `${x}/${y}`;
}

/** Genotype label of discrete locus `l` of a genome (see `pairLabel`). */
export function genotypeLabel(layout: GenomeLayout, g: Float32Array, off: number, l: number): string {
  return pairLabel(layout, l, g[off + 2 * l], g[off + 2 * l + 1]);
}

/** Index of the unordered genotype {a, b} of a K-allele locus in 0 … K(K+1)/2 − 1 (for counting genotypes). */
export function genotypeIndex(layout: GenomeLayout, g: Float32Array, off: number, l: number): number {
  const a = g[off + 2 * l];
  const b = g[off + 2 * l + 1];
  const K = layout.alleleCount[l];
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  // Row-major over the upper triangle: rows lo = 0 … K−1 hold K − lo entries each.
  return lo * K - (lo * (lo - 1)) / 2 + (hi - lo);
}

/**
 * How strongly allele `x` of discrete locus `l` shows in genotype (a, b), what a formula reads as
 * `locus.allele` (e.g. `diet.carnivore`): 1 when homozygous for x, expressed by complete dominance, or one
 * of two codominant alleles; 0.5 when one of two incompletely dominant alleles; else 0.
 */
export function alleleExpression(layout: GenomeLayout, l: number, a: number, b: number, x: number): number {
  if (a === b) return a === x ? 1 : 0;
  if (x !== a && x !== b) return 0;
  const K = layout.alleleCount[l];
  const mode = layout.pairMode[layout.pairBase[l] + a * K + b];
  if (mode === LOCUS_MODE.incomplete) return 0.5;
  if (mode === LOCUS_MODE.codominant) return 1;
  const rank = layout.dominanceRank;
  const base = layout.alleleBase[l];
  return x === (rank[base + a] < rank[base + b] ? a : b) ? 1 : 0;
}

/** `alleleExpression` of allele `x` of locus `l` for every ordered pair (K×K, row = first allele). */
export function alleleExpressionTable(layout: GenomeLayout, l: number, x: number): Float64Array {
  const K = layout.alleleCount[l];
  const t = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) t[a * K + b] = alleleExpression(layout, l, a, b, x);
  return t;
}

/** Genotypic value of a polygenic trait (sum of both allele effects over its loci, no noise). */
export function polygenicValue(layout: GenomeLayout, g: Float32Array, off: number, p: number): number {
  const loci = layout.polygenic[p].loci;
  let s = 0;
  for (let i = 0; i < loci.length; i++) s += g[off + 2 * loci[i]] + g[off + 2 * loci[i] + 1];
  return s;
}

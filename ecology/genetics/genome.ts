import { gaussian } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import type { GenomeDef, LocusDef } from './schema.ts';
import { SpecError } from './spec-error.ts';
import type { SpecPathItem } from './spec-error.ts';

/** How a locus turns its two alleles into a value. */
export const LOCUS_MODE = { complete: 0, incomplete: 1, codominant: 2, additive: 3 } as const;

/**
 * A genome compiled for hot loops. A genome is `2 × loci` Float32 lanes: lane 2l is the maternal allele
 * of locus l, lane 2l + 1 the paternal one; a discrete allele is stored as its index, a quantitative one
 * as its effect.
 */
export interface GenomeLayout {
  loci: number;
  names: string[];
  discrete: boolean[];
  mode: number[];
  /** Discrete: allele names and numeric values. */
  alleles: string[][];
  values: Float64Array[];
  /** Discrete: starting frequencies (cumulative); quantitative: starting mean and sd. */
  initialCum: Float64Array[];
  initialMean: Float64Array;
  initialSd: Float64Array;
  mutationRate: Float64Array;
  mutationSd: Float64Array;
  /** Chromosomes: groups of locus indices in order; `recombination[l]` = crossover chance before locus l. */
  chromosomes: number[][];
  recombination: Float64Array;
  /** Polygenic traits: name → loci, and the environmental sd. */
  polygenic: Array<{ name: string; loci: number[]; noiseSd: number }>;
}

/** Compiles a species' genome; problems throw a SpecError whose path starts at `base`. */
export function compileGenome(def: GenomeDef | undefined, base: readonly SpecPathItem[] = []): GenomeLayout {
  const loci: LocusDef[] = def?.loci ?? [];
  const seen = new Set<string>();
  const layout: GenomeLayout = {
    loci: loci.length,
    names: [],
    discrete: [],
    mode: [],
    alleles: [],
    values: [],
    initialCum: [],
    initialMean: new Float64Array(loci.length),
    initialSd: new Float64Array(loci.length),
    mutationRate: new Float64Array(loci.length),
    mutationSd: new Float64Array(loci.length),
    chromosomes: [],
    recombination: new Float64Array(loci.length),
    polygenic: [],
  };
  const byChromosome = new Map<string, number[]>();
  const polygenic = new Map<string, number[]>();
  loci.forEach((l, i) => {
    const at = [...base, 'loci', i];
    if (seen.has(l.name)) throw new SpecError([...at, 'name'], `locus '${l.name}' is declared twice`);
    seen.add(l.name);
    layout.names.push(l.name);
    layout.recombination[i] = l.recombination ?? 0.5;
    const chrom = l.chromosome ?? `\u0000${l.name}`;
    if (!byChromosome.has(chrom)) byChromosome.set(chrom, []);
    byChromosome.get(chrom)!.push(i);
    if (l.kind === 'discrete') {
      if (new Set(l.alleles).size !== l.alleles.length)
        throw new SpecError([...at, 'alleles'], 'allele names must be distinct');
      layout.discrete.push(true);
      layout.mode.push(LOCUS_MODE[l.mode ?? 'complete']);
      layout.alleles.push([...l.alleles]);
      for (const k of Object.keys(l.values ?? {}))
        if (!l.alleles.includes(k))
          throw new SpecError(
            [...at, 'values', k],
            `unknown allele '${k}' (alleles: ${l.alleles.join(', ')})`,
          );
      layout.values.push(Float64Array.from(l.alleles, (a, k) => l.values?.[a] ?? (k === 0 ? 1 : 0)));
      const freq = l.alleles.map((a) => l.initial?.[a] ?? (l.initial ? 0 : 1));
      for (const k of Object.keys(l.initial ?? {}))
        if (!l.alleles.includes(k))
          throw new SpecError(
            [...at, 'initial', k],
            `unknown allele '${k}' (alleles: ${l.alleles.join(', ')})`,
          );
      const total = freq.reduce((a, b) => a + b, 0);
      if (!(total > 0)) throw new SpecError([...at, 'initial'], 'starting frequencies must not all be zero');
      let c = 0;
      layout.initialCum.push(Float64Array.from(freq, (f) => (c += f / total)));
      layout.mutationRate[i] = l.mutation ?? 0;
    } else {
      layout.discrete.push(false);
      layout.mode.push(LOCUS_MODE.additive);
      layout.alleles.push([]);
      layout.values.push(new Float64Array(0));
      layout.initialCum.push(new Float64Array(0));
      layout.initialMean[i] = l.initial?.mean ?? 0;
      layout.initialSd[i] = l.initial?.sd ?? 0.1;
      layout.mutationRate[i] = l.mutation?.rate ?? 0;
      layout.mutationSd[i] = l.mutation?.sd ?? 0;
      const t = l.trait ?? l.name;
      if (!polygenic.has(t)) polygenic.set(t, []);
      polygenic.get(t)!.push(i);
    }
  });
  layout.chromosomes = [...byChromosome.values()];
  for (const [name, idx] of polygenic) {
    if (seen.has(name) && !idx.includes(layout.names.indexOf(name)))
      throw new SpecError([...base, 'loci'], `polygenic trait '${name}' has the name of a locus`);
    layout.polygenic.push({ name, loci: idx, noiseSd: Math.sqrt(def?.noise?.[name] ?? 0) });
  }
  for (const k of Object.keys(def?.noise ?? {}))
    if (!polygenic.has(k))
      throw new SpecError(
        [...base, 'noise', k],
        `no polygenic trait '${k}' (traits: ${[...polygenic.keys()].join(', ') || 'none'})`,
      );
  return layout;
}

/** Draws a starting genome from the declared allele frequencies and effect distributions. */
export function initGenome(layout: GenomeLayout, out: Float32Array, off: number, rng: Rng): void {
  for (let l = 0; l < layout.loci; l++)
    for (let s = 0; s < 2; s++) {
      if (layout.discrete[l]) {
        const cum = layout.initialCum[l];
        const u = rng();
        let k = 0;
        while (k < cum.length - 1 && u >= cum[k]) k++;
        out[off + 2 * l + s] = k;
      } else out[off + 2 * l + s] = layout.initialMean[l] + layout.initialSd[l] * gaussian(rng);
    }
}

/**
 * Writes into `out[outOff…]` one gamete's alleles in the child's lane `lane` (0 maternal, 1 paternal):
 * per chromosome a random starting strand, switching strands between adjacent loci with their
 * recombination chance; then mutation.
 */
export function meiosis(
  layout: GenomeLayout,
  parent: Float32Array,
  pOff: number,
  out: Float32Array,
  outOff: number,
  lane: 0 | 1,
  rng: Rng,
): void {
  for (const chrom of layout.chromosomes) {
    let strand = rng() < 0.5 ? 0 : 1;
    for (let k = 0; k < chrom.length; k++) {
      const l = chrom[k];
      if (k > 0 && rng() < layout.recombination[l]) strand ^= 1;
      out[outOff + 2 * l + lane] = parent[pOff + 2 * l + strand];
    }
  }
  mutate(layout, out, outOff, lane, rng);
}

function mutate(layout: GenomeLayout, g: Float32Array, off: number, lane: 0 | 1, rng: Rng): void {
  for (let l = 0; l < layout.loci; l++) {
    const rate = layout.mutationRate[l];
    if (rate <= 0 || rng() >= rate) continue;
    const at = off + 2 * l + lane;
    if (layout.discrete[l]) {
      const n = layout.alleles[l].length;
      if (n < 2) continue;
      // Uniformly to one of the other alleles.
      const k = Math.floor(rng() * (n - 1));
      g[at] = k >= g[at] ? k + 1 : k;
    } else g[at] += layout.mutationSd[l] * gaussian(rng);
  }
}

/** Breeds one offspring genome from two parents (mother's gamete in lane 0, father's in lane 1). */
export function breed(
  layout: GenomeLayout,
  genomes: Float32Array,
  motherOff: number,
  fatherOff: number,
  out: Float32Array,
  outOff: number,
  rng: Rng,
): void {
  meiosis(layout, genomes, motherOff, out, outOff, 0, rng);
  meiosis(layout, genomes, fatherOff, out, outOff, 1, rng);
}

/** The value a locus expresses: dominance for discrete loci, the sum of effects for quantitative ones. */
export function locusValue(layout: GenomeLayout, g: Float32Array, off: number, l: number): number {
  const a = g[off + 2 * l];
  const b = g[off + 2 * l + 1];
  switch (layout.mode[l]) {
    case LOCUS_MODE.complete: {
      // The allele earlier in dominance order shows.
      return layout.values[l][a < b ? a : b];
    }
    case LOCUS_MODE.incomplete:
    case LOCUS_MODE.codominant:
      return (layout.values[l][a] + layout.values[l][b]) / 2;
    default:
      return a + b;
  }
}

/** Phenotype label of a discrete locus: the dominant allele, a blend, or both alleles (codominant). */
export function locusPhenotype(layout: GenomeLayout, g: Float32Array, off: number, l: number): string {
  const a = g[off + 2 * l];
  const b = g[off + 2 * l + 1];
  const names = layout.alleles[l];
  if (layout.mode[l] === LOCUS_MODE.complete) return names[a < b ? a : b];
  return a === b ? names[a] : a < b ? `${names[a]}${names[b]}` : `${names[b]}${names[a]}`;
}

/** Genotype label of a discrete locus, e.g. `Aa` (dominant allele first). */
export function genotypeLabel(layout: GenomeLayout, g: Float32Array, off: number, l: number): string {
  const a = g[off + 2 * l];
  const b = g[off + 2 * l + 1];
  const names = layout.alleles[l];
  return a <= b ? names[a] + names[b] : names[b] + names[a];
}

import { gaussian, hash32 } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import type { DiscreteLocusDef, GenomeDef, QuantitativeLocusDef } from './schema.ts';
import { SpecError } from './spec-error.ts';
import type { SpecPathItem } from './spec-error.ts';

/** Dominance mode codes of a discrete allele pair (`additive` marks quantitative loci). */
export const LOCUS_MODE = { complete: 0, incomplete: 1, codominant: 2, additive: 3 } as const;

/** Recombination chance between adjacent loci when nothing is declared: unlinked. */
export const UNLINKED = 0.5;

/** A polygenic trait: the quantitative loci whose allele effects add up to it, and its environmental sd. */
export interface PolygenicGene {
  name: string;
  loci: number[];
  noiseSd: number;
}

/**
 * A genome compiled for hot loops. A genome is `width = 2 × loci` Float32 lanes: lane 2l is the maternal
 * allele of locus l (declaration order), lane 2l + 1 the paternal one; a discrete allele is stored as its
 * index in `alleles[l]`, a quantitative one as its effect. Per-allele arrays are indexed by
 * `alleleBase[l] + a`; per-pair tables (K×K, row = one allele, column = the other) by `pairBase[l] + a·K + b`.
 */
export interface GenomeLayout {
  /** Number of loci L. */
  loci: number;
  /** Lanes per genome (2L). */
  width: number;
  names: string[];
  locusIndex: ReadonlyMap<string, number>;
  discrete: boolean[];
  /** Discrete: allele names (empty for quantitative loci). */
  alleles: string[][];
  /** Alleles per locus (0 for quantitative). */
  alleleCount: Int32Array;
  /** L + 1 offsets into the per-allele arrays. */
  alleleBase: Int32Array;
  /** Numeric value per allele. */
  alleleValue: Float64Array;
  /** Dominance rank per allele, 0 = most dominant. */
  dominanceRank: Int32Array;
  /** L + 1 offsets into the per-pair tables. */
  pairBase: Int32Array;
  /** Dominance mode (LOCUS_MODE) per ordered pair; `complete` for homozygotes. */
  pairMode: Uint8Array;
  /** Phenotype value per ordered pair: the dominant allele's value, or the mean for incomplete / codominant. */
  pairValue: Float64Array;
  /** Phenotype class per ordered pair, an index into `classNames[l]`. */
  pairClass: Int32Array;
  /** Per locus: the K single alleles, then combined classes `'dom/rec'` (blends or co-expressions). */
  classNames: string[][];
  /** Discrete: mutation chance per allele per birth (by alleleBase). */
  mutProb: Float64Array;
  /** Discrete: cumulative chance of each new allele given a mutation (by pairBase; row = old allele). */
  mutCdf: Float64Array;
  /** 1 for a locus with any mutation chance (discrete or quantitative), else 0: meiosis skips the rest. */
  mutates: Uint8Array;
  /** Quantitative: mutation rate and sd per locus. */
  mutationRate: Float64Array;
  mutationSd: Float64Array;
  /** L + 1 offsets into `initValue` / `initCdf`; a locus with none draws from the normal `initialMean/initialSd`. */
  initBase: Int32Array;
  initValue: Float64Array;
  initCdf: Float64Array;
  initialMean: Float64Array;
  initialSd: Float64Array;
  /** Loci in meiosis order: chromosome by chromosome, each along its positions. */
  meiosisOrder: Int32Array;
  /** By meiosis position: chance that the strand switches before that locus (0.5 at each chromosome start). */
  switchBefore: Float64Array;
  /** Chromosomes as lists of locus indices in meiosis order. */
  chromosomes: number[][];
  chromosomeNames: string[];
  /** By locus: crossover chance between it and the previous locus of its chromosome (0.5 for the first). */
  recombination: Float64Array;
  /** Polygenic traits (quantitative genes) in order of their first locus. */
  polygenic: PolygenicGene[];
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function cumulative(weights: readonly number[], at: readonly SpecPathItem[], what: string): number[] {
  let total = 0;
  for (const [i, w] of weights.entries()) {
    if (!finite(w) || w < 0)
      throw new SpecError([...at, i], `${what} must be a non-negative number, got ${String(w)}`);
    total += w;
  }
  if (!(total > 0)) throw new SpecError(at, `${what} must not all be zero`);
  let acc = 0;
  const cdf = weights.map((w) => (acc += w / total));
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/**
 * Compiles a species' genome (as validated by `GenomeSchema`) into a `GenomeLayout`; designer mistakes the
 * schema cannot see (unknown allele names, a mutation matrix of the wrong size, …) throw a SpecError whose
 * path starts at `base` (e.g. `['species', 2, 'genome']`).
 */
export function compileGenome(def: GenomeDef | undefined, base: readonly SpecPathItem[] = []): GenomeLayout {
  const loci = def?.loci ?? [];
  const L = loci.length;
  const names: string[] = [];
  const seen = new Set<string>();
  const discrete: boolean[] = [];
  const alleles: string[][] = [];
  const classNames: string[][] = [];
  const alleleCount = new Int32Array(L);
  const alleleBase = new Int32Array(L + 1);
  const pairBase = new Int32Array(L + 1);
  const initBase = new Int32Array(L + 1);
  const alleleValue: number[] = [];
  const dominanceRank: number[] = [];
  const mutProb: number[] = [];
  const pairMode: number[] = [];
  const pairValue: number[] = [];
  const pairClass: number[] = [];
  const mutCdf: number[] = [];
  const initValue: number[] = [];
  const initCdf: number[] = [];
  const initialMean = new Float64Array(L);
  const initialSd = new Float64Array(L);
  const mutationRate = new Float64Array(L);
  const mutationSd = new Float64Array(L);
  const polyLoci = new Map<string, number[]>();
  const mutates = new Uint8Array(L);

  function compileDiscrete(locus: DiscreteLocusDef, l: number, at: SpecPathItem[]): void {
    const names = locus.alleles;
    const K = names.length;
    const index = new Map<string, number>();
    names.forEach((n, a) => {
      if (index.has(n)) throw new SpecError([...at, 'alleles', a], `allele '${n}' is declared twice`);
      index.set(n, a);
    });
    const known = `(alleles: ${names.join(', ')})`;
    discrete.push(true);
    alleles.push([...names]);
    alleleCount[l] = K;
    for (const k of Object.keys(locus.values ?? {}))
      if (!index.has(k)) throw new SpecError([...at, 'values', k], `unknown allele '${k}' ${known}`);
    const values = names.map((n, a) => locus.values?.[n] ?? (a === 0 ? 1 : 0));
    const dominance = locus.dominance ?? names;
    if (dominance.length !== K || new Set(dominance).size !== K || dominance.some((d) => !index.has(d)))
      throw new SpecError(
        [...at, 'dominance'],
        `dominance must list every allele once, most dominant first ${known}`,
      );
    const rank = new Array<number>(K);
    dominance.forEach((n, r) => (rank[index.get(n)!] = r));
    const modes = new Map<string, number>();
    for (const [key, m] of Object.entries(locus.pairModes ?? {})) {
      const [x, y, ...rest] = key.split('/');
      if (rest.length || !index.has(x) || !index.has(y) || x === y)
        throw new SpecError(
          [...at, 'pairModes', key],
          `a pair is written 'a/b' with two different alleles ${known}`,
        );
      modes.set(`${index.get(x)}/${index.get(y)}`, LOCUS_MODE[m]);
      modes.set(`${index.get(y)}/${index.get(x)}`, LOCUS_MODE[m]);
    }
    const defaultMode = LOCUS_MODE[locus.mode ?? 'complete'];
    const classes = [...names];
    const classOf = new Map<string, number>();
    for (let a = 0; a < K; a++) {
      alleleValue.push(values[a]);
      dominanceRank.push(rank[a]);
    }
    for (let a = 0; a < K; a++)
      for (let b = 0; b < K; b++) {
        if (a === b) {
          pairMode.push(LOCUS_MODE.complete);
          pairValue.push(values[a]);
          pairClass.push(a);
          continue;
        }
        const mode = modes.get(`${a}/${b}`) ?? defaultMode;
        const [dom, rec] = rank[a] < rank[b] ? [a, b] : [b, a];
        pairMode.push(mode);
        if (mode === LOCUS_MODE.complete) {
          pairValue.push(values[dom]);
          pairClass.push(dom);
        } else {
          pairValue.push((values[a] + values[b]) / 2);
          const label = `${names[dom]}/${names[rec]}`;
          if (!classOf.has(label)) classOf.set(label, classes.push(label) - 1);
          pairClass.push(classOf.get(label)!);
        }
      }
    classNames.push(classes);
    for (const k of Object.keys(locus.initial ?? {}))
      if (!index.has(k)) throw new SpecError([...at, 'initial', k], `unknown allele '${k}' ${known}`);
    const freq = names.map((n) => locus.initial?.[n] ?? (locus.initial ? 0 : 1));
    const cdf = cumulative(freq, [...at, 'initial'], 'starting frequencies');
    for (let a = 0; a < K; a++) {
      initValue.push(a);
      initCdf.push(cdf[a]);
    }
    // Mutation: a chance per allele, and where it goes given a mutation.
    const m = locus.mutation;
    const rate = typeof m === 'number' ? m : m?.rate;
    const matrix = typeof m === 'object' ? m.matrix : undefined;
    const mAt = [...at, 'mutation'];
    if (matrix && (matrix.length !== K || matrix.some((row) => row.length !== K)))
      throw new SpecError(
        [...mAt, 'matrix'],
        `the mutation matrix must be ${K}×${K}, one row and column per allele ${known}`,
      );
    for (let a = 0; a < K; a++) {
      let p = rate ?? 0;
      let weights: number[] = names.map((_, b) => (b === a ? 0 : 1));
      if (matrix) {
        weights = matrix[a].map((w, b) => (b === a ? 0 : w));
        if (rate === undefined) {
          const sum = matrix[a].reduce((s, w) => s + w, 0);
          if (Math.abs(sum - 1) > 1e-6)
            throw new SpecError(
              [...mAt, 'matrix', a],
              `without a rate, each row gives the chances per birth and must sum to 1 (got ${sum})`,
            );
          p = 1 - matrix[a][a];
        }
      }
      const out = weights.reduce((s, w) => s + w, 0);
      if (p > 0 && K > 1 && !(out > 0))
        throw new SpecError(
          [...mAt, 'matrix', a],
          `allele '${names[a]}' mutates but its row gives no other allele`,
        );
      mutProb.push(K > 1 ? p : 0);
      if (K > 1 && p > 0) mutates[l] = 1;
      let acc = 0;
      for (let b = 0; b < K; b++) mutCdf.push(out > 0 ? (acc += weights[b] / out) : 0);
    }
  }

  function compileQuantitative(locus: QuantitativeLocusDef, l: number, at: SpecPathItem[]): void {
    discrete.push(false);
    alleles.push([]);
    classNames.push([]);
    const init = locus.initial ?? {};
    initialMean[l] = init.mean ?? 0;
    initialSd[l] = init.sd ?? 0.1;
    if (init.values) {
      const n = init.values.length;
      const freq = init.frequencies ?? init.values.map(() => 1);
      if (freq.length !== n)
        throw new SpecError(
          [...at, 'initial', 'frequencies'],
          `frequencies must give one chance per value (${n})`,
        );
      const cdf = cumulative(freq, [...at, 'initial', 'frequencies'], 'frequencies');
      init.values.forEach((v, i) => {
        initValue.push(v);
        initCdf.push(cdf[i]);
      });
    } else if (init.frequencies)
      throw new SpecError([...at, 'initial', 'frequencies'], 'frequencies need values');
    mutationRate[l] = locus.mutation && locus.mutation.sd > 0 ? locus.mutation.rate : 0;
    if (mutationRate[l] > 0) mutates[l] = 1;
    mutationSd[l] = locus.mutation?.sd ?? 0;
    const t = locus.trait ?? locus.name;
    if (!polyLoci.has(t)) polyLoci.set(t, []);
    polyLoci.get(t)!.push(l);
  }

  loci.forEach((locus, l) => {
    const at = [...base, 'loci', l];
    if (seen.has(locus.name)) throw new SpecError([...at, 'name'], `locus '${locus.name}' is declared twice`);
    seen.add(locus.name);
    names.push(locus.name);
    alleleBase[l] = alleleValue.length;
    pairBase[l] = pairValue.length;
    initBase[l] = initValue.length;
    if (locus.kind === 'discrete') compileDiscrete(locus, l, at);
    else compileQuantitative(locus, l, at);
  });
  alleleBase[L] = alleleValue.length;
  pairBase[L] = pairValue.length;
  initBase[L] = initValue.length;

  // Polygenic traits; a name may be one of its own loci, not a discrete locus or another quantitative one.
  const polygenic: PolygenicGene[] = [];
  for (const [name, idx] of polyLoci) {
    const l = names.indexOf(name);
    if (l >= 0 && !idx.includes(l))
      throw new SpecError(
        [...base, 'loci', idx[0], 'trait'],
        `polygenic trait '${name}' has the name of another locus`,
      );
    polygenic.push({ name, loci: idx, noiseSd: Math.sqrt(def?.noise?.[name] ?? 0) });
  }
  for (const k of Object.keys(def?.noise ?? {}))
    if (!polyLoci.has(k))
      throw new SpecError(
        [...base, 'noise', k],
        `no polygenic trait '${k}' (traits: ${[...polyLoci.keys()].join(', ') || 'none'})`,
      );

  // Linkage: chromosomes in order of first appearance; along one, by position when all its loci give one.
  const chromOf = new Map<string, number[]>();
  loci.forEach((locus, l) => {
    const c = locus.chromosome ?? `\u0000${locus.name}`;
    if (!chromOf.has(c)) chromOf.set(c, []);
    chromOf.get(c)!.push(l);
  });
  const chromosomes: number[][] = [];
  const chromosomeNames: string[] = [];
  const recombination = new Float64Array(L);
  const order: number[] = [];
  const switchBefore: number[] = [];
  for (const [c, members] of chromOf) {
    const positioned = members.filter((l) => loci[l].positionCM !== undefined);
    if (positioned.length > 0 && positioned.length < members.length) {
      const l = members.find((m) => loci[m].positionCM === undefined)!;
      throw new SpecError(
        [...base, 'loci', l, 'positionCM'],
        `give positionCM to every locus of chromosome '${c}' or to none`,
      );
    }
    const along = positioned.length
      ? [...members].sort((a, b) => loci[a].positionCM! - loci[b].positionCM! || a - b)
      : members;
    along.forEach((l, k) => {
      let r = UNLINKED;
      if (k > 0) {
        const prev = loci[along[k - 1]];
        const pos = loci[l].positionCM;
        if (loci[l].recombination !== undefined) r = loci[l].recombination!;
        else if (pos !== undefined && prev.positionCM !== undefined)
          r = 0.5 * (1 - Math.exp((-2 * (pos - prev.positionCM)) / 100));
      } else if (loci[l].recombination !== undefined && members.length > 1)
        throw new SpecError(
          [...base, 'loci', l, 'recombination'],
          `'${loci[l].name}' is the first locus of chromosome '${c}': there is no previous locus`,
        );
      recombination[l] = r;
      order.push(l);
      switchBefore.push(r);
    });
    chromosomes.push(along);
    chromosomeNames.push(c.startsWith('\u0000') ? c.slice(1) : c);
  }

  return {
    loci: L,
    width: 2 * L,
    names,
    locusIndex: new Map(names.map((n, l) => [n, l])),
    discrete,
    alleles,
    alleleCount,
    alleleBase,
    alleleValue: Float64Array.from(alleleValue),
    dominanceRank: Int32Array.from(dominanceRank),
    pairBase,
    pairMode: Uint8Array.from(pairMode),
    pairValue: Float64Array.from(pairValue),
    pairClass: Int32Array.from(pairClass),
    classNames,
    mutProb: Float64Array.from(mutProb),
    mutCdf: Float64Array.from(mutCdf),
    mutates,
    mutationRate,
    mutationSd,
    initBase,
    initValue: Float64Array.from(initValue),
    initCdf: Float64Array.from(initCdf),
    initialMean,
    initialSd,
    meiosisOrder: Int32Array.from(order),
    switchBefore: Float64Array.from(switchBefore),
    chromosomes,
    chromosomeNames,
    recombination,
    polygenic,
  };
}

/** Draws one starting allele of locus `l`: from the declared frequencies, values, or normal effect distribution. */
export function drawInitialAllele(layout: GenomeLayout, l: number, rng: Rng): number {
  const lo = layout.initBase[l];
  const hi = layout.initBase[l + 1];
  if (hi > lo) {
    const u = rng();
    const cdf = layout.initCdf;
    let i = lo;
    while (i < hi - 1 && u >= cdf[i]) i++;
    return layout.initValue[i];
  }
  const sd = layout.initialSd[l];
  return sd > 0 ? layout.initialMean[l] + sd * gaussian(rng) : layout.initialMean[l];
}

/** Draws a founder genome: every allele independently from the starting distributions. */
export function initGenome(layout: GenomeLayout, out: Float32Array, off: number, rng: Rng): void {
  for (let l = 0; l < layout.loci; l++) {
    out[off + 2 * l] = drawInitialAllele(layout, l, rng);
    out[off + 2 * l + 1] = drawInitialAllele(layout, l, rng);
  }
}

// meiosis and breed take positional arguments (not an options object) on purpose: they run once per birth
// for thousands of creatures per tick and must not allocate.

/**
 * Meiosis of one parent into lane `lane` of the child (0 maternal, 1 paternal): walking the loci chromosome
 * by chromosome, the strand is chosen at random at each chromosome start and switches between neighbours
 * with their recombination chance; each transmitted allele then mutates with its declared chance (unless
 * `mutate` is false). One uniform draw per locus, one more per locus with a non-zero mutation rate.
 */
export function meiosis(
  layout: GenomeLayout,
  parent: Float32Array,
  pOff: number,
  out: Float32Array,
  outOff: number,
  lane: number,
  rng: Rng,
  mutate = true,
): void {
  const n = layout.loci;
  const order = layout.meiosisOrder;
  const sw = layout.switchBefore;
  const mutates = layout.mutates;
  let strand = 0;
  for (let k = 0; k < n; k++) {
    const l = order[k];
    if (rng() < sw[k]) strand ^= 1;
    let v = parent[pOff + 2 * l + strand];
    if (mutate && mutates[l] !== 0) v = mutateAllele(layout, l, v, rng);
    out[outOff + 2 * l + lane] = v;
  }
}

// One mutation check of an allele at a locus that can mutate (kept out of the loop so meiosis stays small).
function mutateAllele(layout: GenomeLayout, l: number, v: number, rng: Rng): number {
  if (layout.alleleCount[l] > 0) {
    const p = layout.mutProb[layout.alleleBase[l] + (v | 0)];
    return p > 0 && rng() < p ? mutateDiscrete(layout, l, v | 0, rng) : v;
  }
  return rng() < layout.mutationRate[l] ? v + layout.mutationSd[l] * gaussian(rng) : v;
}

function mutateDiscrete(layout: GenomeLayout, l: number, a: number, rng: Rng): number {
  const K = layout.alleleCount[l];
  const row = layout.pairBase[l] + a * K;
  const cdf = layout.mutCdf;
  const u = rng();
  let last = a;
  for (let b = 0; b < K; b++) {
    if (b === a || cdf[row + b] === (b > 0 ? cdf[row + b - 1] : 0)) continue;
    last = b;
    if (u < cdf[row + b]) return b;
  }
  // Rounding can leave u just above the last cumulative value.
  return last;
}

/**
 * Breeds one offspring genome from two parents in the same array: the mother's gamete into the maternal
 * lanes, the father's into the paternal lanes of `out` at `outOff`, with recombination and mutation. The
 * child's row must not overlap the father's.
 */
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

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** A 32-bit hash of a genome's lanes (their Float32 bit patterns), for keys and caches. */
export function hashGenome(genome: ArrayLike<number>, off: number, width: number): number {
  let h = width;
  for (let i = 0; i < width; i++) {
    F32[0] = genome[off + i];
    h = hash32(h, U32[0], i, 0x67656e);
  }
  return h;
}

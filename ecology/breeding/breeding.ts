import { createHash } from 'node:crypto';
import { streamFromKey } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import { breed, genotypeLabel } from '../genetics/genome.ts';
import type { GenomeLayout } from '../genetics/genome.ts';
import type { TraitProgram } from '../genetics/traits.ts';

/** Parameters of the capture formula `base × (1 − hp/maxHp)^k × itemBonus`, capped. */
export interface CaptureParams {
  base: number;
  k: number;
  itemBonus?: number;
  max?: number;
}

/** Chance that one capture attempt succeeds. */
export function captureChance(hp: number, maxHp: number, p: CaptureParams): number {
  const missing = maxHp > 0 ? Math.min(1, Math.max(0, 1 - hp / maxHp)) : 1;
  return Math.min(p.max ?? 0.95, Math.max(0, p.base * missing ** p.k * (p.itemBonus ?? 1)));
}

/** A declared cross-species rule: which species two parents make, and how fertile the pair is. */
export interface HybridRule {
  parents: [string, string];
  offspring: string;
  fertility?: number;
}

/** Whether two species can breed, and as what: same species, or a declared hybrid rule. */
export function compatibility(
  a: string,
  b: string,
  hybrids: readonly HybridRule[] = [],
): { ok: true; offspring: string; fertility: number } | { ok: false; reason: string } {
  if (a === b) return { ok: true, offspring: a, fertility: 1 };
  const rule = hybrids.find(
    (h) => (h.parents[0] === a && h.parents[1] === b) || (h.parents[0] === b && h.parents[1] === a),
  );
  return rule
    ? { ok: true, offspring: rule.offspring, fertility: rule.fertility ?? 1 }
    : { ok: false, reason: `${a} and ${b} cannot breed (no hybrid rule)` };
}

/** One trait's predicted distribution among possible offspring. */
export interface TraitPreview {
  name: string;
  min: number;
  max: number;
  mean: number;
  sd: number;
  /** Distinct values with their probabilities when there are few, else equal-width bins. */
  distribution: Array<{ from: number; to: number; p: number }>;
}

/** What two parents can produce. */
export interface OffspringPreview {
  method: 'exact' | 'sampled';
  /** Gamete combinations enumerated, or samples drawn. */
  combinations: number;
  traits: TraitPreview[];
  /** Discrete loci: genotype → probability. */
  genotypes: Record<string, Record<string, number>>;
}

/** Options for a preview. */
export interface PreviewOptions {
  /** Enumerate exactly up to this many gamete combinations (default 4096). */
  maxExact?: number;
  /** Samples when enumeration would be larger (default 4096). */
  samples?: number;
  /** Stream for sampling (default: derived from the parents' genomes). */
  rng?: Rng;
  bins?: number;
}

// Every gamete of a parent with its probability: strands per chromosome, recombination between loci.
function gametes(
  layout: GenomeLayout,
  g: Float32Array,
  off: number,
): Array<{ alleles: Float32Array; p: number }> {
  let out: Array<{ alleles: Float32Array; p: number }> = [{ alleles: new Float32Array(layout.loci), p: 1 }];
  for (const chrom of layout.chromosomes) {
    const next: typeof out = [];
    // Strand sequences along the chromosome.
    let paths: Array<{ strands: number[]; p: number }> = [
      { strands: [0], p: 0.5 },
      { strands: [1], p: 0.5 },
    ];
    for (let k = 1; k < chrom.length; k++) {
      const r = layout.recombination[chrom[k]];
      paths = paths.flatMap((path) => {
        const last = path.strands[path.strands.length - 1];
        return [
          { strands: [...path.strands, last], p: path.p * (1 - r) },
          { strands: [...path.strands, last ^ 1], p: path.p * r },
        ].filter((x) => x.p > 0);
      });
    }
    for (const base of out)
      for (const path of paths) {
        const alleles = base.alleles.slice();
        chrom.forEach((l, k) => (alleles[l] = g[off + 2 * l + path.strands[k]]));
        next.push({ alleles, p: base.p * path.p });
      }
    out = next;
  }
  return out;
}

function summarise(name: string, values: Float64Array, weights: Float64Array, bins: number): TraitPreview {
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  let wsum = 0;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
    mean += values[i] * weights[i];
    wsum += weights[i];
  }
  mean /= wsum;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += weights[i] * (values[i] - mean) ** 2;
  const distinct = new Map<number, number>();
  for (let i = 0; i < values.length; i++)
    distinct.set(values[i], (distinct.get(values[i]) ?? 0) + weights[i] / wsum);
  let distribution: TraitPreview['distribution'];
  if (distinct.size <= bins)
    distribution = [...distinct.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([x, p]) => ({ from: x, to: x, p }));
  else {
    const w = (max - min) / bins;
    distribution = Array.from({ length: bins }, (_, b) => ({
      from: min + b * w,
      to: min + (b + 1) * w,
      p: 0,
    }));
    for (let i = 0; i < values.length; i++)
      distribution[Math.min(bins - 1, Math.floor((values[i] - min) / w))].p += weights[i] / wsum;
  }
  return { name, min, max, mean, sd: Math.sqrt(v / wsum), distribution };
}

/**
 * The offspring two parents can have, per trait (range, mean, sd, distribution) and per discrete locus
 * (genotype probabilities). Exact when the gamete combinations number at most `maxExact` (mutation and
 * environmental noise left out: they are small and independent of the pair), sampled otherwise (with
 * mutation and noise, as real breedings).
 */
export function offspringPreview(
  layout: GenomeLayout,
  traits: TraitProgram,
  genomes: Float32Array,
  motherOff: number,
  fatherOff: number,
  o: PreviewOptions = {},
): OffspringPreview {
  const bins = o.bins ?? 12;
  const gm = gametes(layout, genomes, motherOff);
  const gf = gametes(layout, genomes, fatherOff);
  const exact = gm.length * gf.length <= (o.maxExact ?? 4096);
  const n = exact ? gm.length * gf.length : (o.samples ?? 4096);
  const values = traits.names.map(() => new Float64Array(n));
  const weights = new Float64Array(n);
  const genoCounts: Record<string, Record<string, number>> = {};
  const child = new Float32Array(2 * layout.loci);
  const row = new Float32Array(Math.max(1, traits.names.length));
  const rng =
    o.rng ??
    streamFromKey(
      `preview:${Array.from(genomes.subarray(motherOff, motherOff + 2 * layout.loci)).join(',')}|${Array.from(genomes.subarray(fatherOff, fatherOff + 2 * layout.loci)).join(',')}`,
    );
  let i = 0;
  const record = (w: number): void => {
    traits.evaluate(child, 0, row, 0, exact ? null : rng);
    for (let t = 0; t < traits.names.length; t++) values[t][i] = row[t];
    weights[i] = w;
    for (let l = 0; l < layout.loci; l++) {
      if (!layout.discrete[l]) continue;
      const label = genotypeLabel(layout, child, 0, l);
      const byLocus = (genoCounts[layout.names[l]] ??= {});
      byLocus[label] = (byLocus[label] ?? 0) + w;
    }
    i++;
  };
  if (exact) {
    for (const a of gm)
      for (const b of gf) {
        for (let l = 0; l < layout.loci; l++) {
          child[2 * l] = a.alleles[l];
          child[2 * l + 1] = b.alleles[l];
        }
        record(a.p * b.p);
      }
  } else {
    const both = new Float32Array(4 * layout.loci);
    both.set(genomes.subarray(motherOff, motherOff + 2 * layout.loci), 0);
    both.set(genomes.subarray(fatherOff, fatherOff + 2 * layout.loci), 2 * layout.loci);
    for (let s = 0; s < n; s++) {
      breed(layout, both, 0, 2 * layout.loci, child, 0, rng);
      record(1 / n);
    }
  }
  const total = weights.reduce((a, b) => a + b, 0);
  for (const locus of Object.values(genoCounts)) for (const k of Object.keys(locus)) locus[k] /= total;
  return {
    method: exact ? 'exact' : 'sampled',
    combinations: n,
    traits: traits.names.map((name, t) => summarise(name, values[t], weights, bins)),
    genotypes: genoCounts,
  };
}

/** What makes a player's breeding unrepeatable: a server secret, the parents' ids and a server counter. */
export interface PlayerBreedingKey {
  secret: string;
  parentIds: [number, number];
  counter: number;
}

/**
 * Breeds a player's two roster creatures. The randomness comes from the parents and a server-side counter
 * (hashed with a server secret): asking again with the same inputs gives the same child, so a player cannot
 * re-roll; the next breeding (counter + 1) differs.
 */
export function breedPlayerOffspring(
  layout: GenomeLayout,
  genomes: Float32Array,
  motherOff: number,
  fatherOff: number,
  out: Float32Array,
  outOff: number,
  key: PlayerBreedingKey,
): void {
  const digest = createHash('sha256')
    .update(`${key.secret}|${key.parentIds[0]}|${key.parentIds[1]}|${key.counter}`)
    .digest('hex');
  breed(layout, genomes, motherOff, fatherOff, out, outOff, streamFromKey(digest));
}

import type { Rng } from '../../engine/rng/rng.ts';
import { drawInitialAllele, meiosis } from '../genetics/genome.ts';
import type { GenomeLayout } from '../genetics/genome.ts';
import { SpecError } from '../genetics/spec-error.ts';
import type { SpecPathItem } from '../genetics/spec-error.ts';
import type { CompiledSpecies } from '../genetics/species.ts';

/** A declared cross-species rule: which species two parents make, and how fertile the pair is. */
export interface HybridRule {
  parents: [string, string];
  offspring: string;
  /** Chance that a pairing yields an offspring (default 1). */
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

/**
 * How a parent species' gamete lands in the offspring species' genome (hybrids): child loci are matched by
 * name, discrete alleles by name; a child locus the parent lacks gets an allele drawn from the child's
 * starting distribution.
 */
export interface GameteMap {
  from: GenomeLayout;
  to: GenomeLayout;
  /** Per child locus: the parent's locus, or −1. */
  source: Int32Array;
  /** Per child locus: offset into `alleleMap` (discrete loci), where parent allele a maps to `alleleMap[off + a]`. */
  alleleMapBase: Int32Array;
  alleleMap: Int32Array;
  /** Every child locus has a source (enumeration in previews is then exact). */
  complete: boolean;
  /** One gamete of the parent species (reused; breeding is single-threaded per zone). */
  scratch: Float32Array;
}

/** Compiles a gamete map; an allele or locus kind with no counterpart is a SpecError at `at`. */
export function compileGameteMap(
  from: GenomeLayout,
  to: GenomeLayout,
  at: readonly SpecPathItem[],
): GameteMap {
  const source = new Int32Array(to.loci).fill(-1);
  const alleleMapBase = new Int32Array(to.loci).fill(-1);
  const alleleMap: number[] = [];
  for (let l = 0; l < to.loci; l++) {
    const s = from.locusIndex.get(to.names[l]);
    if (s === undefined) continue;
    if (from.discrete[s] !== to.discrete[l])
      throw new SpecError(
        at,
        `locus '${to.names[l]}' is discrete in one species and quantitative in the other`,
      );
    source[l] = s;
    if (!to.discrete[l]) continue;
    alleleMapBase[l] = alleleMap.length;
    for (const name of from.alleles[s]) {
      const k = to.alleles[l].indexOf(name);
      if (k < 0)
        throw new SpecError(
          at,
          `allele '${name}' of locus '${to.names[l]}' has no counterpart in the offspring species (alleles: ${to.alleles[l].join(', ')})`,
        );
      alleleMap.push(k);
    }
  }
  return {
    from,
    to,
    source,
    alleleMapBase,
    alleleMap: Int32Array.from(alleleMap),
    complete: source.every((s) => s >= 0),
    scratch: new Float32Array(2 * from.loci),
  };
}

/** Meiosis of a parent of species `map.from` into lane `lane` of a child of species `map.to`. */
export function transmitMapped(
  map: GameteMap,
  parent: Float32Array,
  pOff: number,
  out: Float32Array,
  outOff: number,
  lane: number,
  rng: Rng,
  mutate = true,
): void {
  meiosis(map.from, parent, pOff, map.scratch, 0, 0, rng, mutate);
  const to = map.to;
  for (let l = 0; l < to.loci; l++) {
    const s = map.source[l];
    let v: number;
    if (s < 0) v = drawInitialAllele(to, l, rng);
    else {
      v = map.scratch[2 * s];
      if (map.alleleMapBase[l] >= 0) v = map.alleleMap[map.alleleMapBase[l] + v];
    }
    out[outOff + 2 * l + lane] = v;
  }
}

/** A pairing of two species: the offspring species and how each parent's gamete reaches it. */
export interface Cross {
  a: CompiledSpecies;
  b: CompiledSpecies;
  offspring: CompiledSpecies;
  fertility: number;
  /** Null when the parent is of the offspring species (plain meiosis). */
  mapA: GameteMap | null;
  mapB: GameteMap | null;
}

/** The cross of a species with itself. */
export function sameSpeciesCross(species: CompiledSpecies): Cross {
  return { a: species, b: species, offspring: species, fertility: 1, mapA: null, mapB: null };
}

/**
 * Breeds one offspring of a cross: parent a's gamete into the maternal lanes, b's into the paternal lanes.
 * Positional arguments on purpose (no allocation per birth).
 */
export function breedCross(
  cross: Cross,
  genomeA: Float32Array,
  offA: number,
  genomeB: Float32Array,
  offB: number,
  out: Float32Array,
  outOff: number,
  rng: Rng,
  mutate = true,
): void {
  if (cross.mapA) transmitMapped(cross.mapA, genomeA, offA, out, outOff, 0, rng, mutate);
  else meiosis(cross.offspring.layout, genomeA, offA, out, outOff, 0, rng, mutate);
  if (cross.mapB) transmitMapped(cross.mapB, genomeB, offB, out, outOff, 1, rng, mutate);
  else meiosis(cross.offspring.layout, genomeB, offB, out, outOff, 1, rng, mutate);
}

/** Every species of a scenario and its hybrid crosses, compiled once. */
export interface BreedingCatalog {
  species: ReadonlyMap<string, CompiledSpecies>;
  hybrids: readonly HybridRule[];
  /** Keyed `a|b` in both orders. */
  crosses: ReadonlyMap<string, Cross>;
}

/**
 * Compiles the crosses of a scenario: each species with itself, and each hybrid rule in both parent
 * orders. Unknown species, a pair declared twice, or genomes that do not map are SpecErrors at
 * `at` + [rule index] (default `['hybrids', i]`).
 */
export function compileCatalog(
  species: readonly CompiledSpecies[],
  hybrids: readonly HybridRule[] = [],
  at: readonly SpecPathItem[] = ['hybrids'],
): BreedingCatalog {
  const byName = new Map(species.map((s) => [s.name, s]));
  const crosses = new Map<string, Cross>();
  for (const s of species) crosses.set(`${s.name}|${s.name}`, sameSpeciesCross(s));
  hybrids.forEach((rule, i) => {
    const path = [...at, i];
    const [na, nb] = rule.parents;
    for (const [k, n] of [na, nb].entries())
      if (!byName.has(n))
        throw new SpecError(
          [...path, 'parents', k],
          `unknown species '${n}' (species: ${[...byName.keys()].join(', ')})`,
        );
    const child = byName.get(rule.offspring);
    if (!child)
      throw new SpecError(
        [...path, 'offspring'],
        `unknown species '${rule.offspring}' (species: ${[...byName.keys()].join(', ')})`,
      );
    if (na === nb) throw new SpecError([...path, 'parents'], 'a hybrid rule needs two different species');
    if (crosses.has(`${na}|${nb}`))
      throw new SpecError([...path, 'parents'], `${na} × ${nb} is declared twice`);
    const fertility = rule.fertility ?? 1;
    const mapOf = (s: CompiledSpecies): GameteMap | null =>
      s === child ? null : compileGameteMap(s.layout, child.layout, path);
    const a = byName.get(na)!;
    const b = byName.get(nb)!;
    crosses.set(`${na}|${nb}`, { a, b, offspring: child, fertility, mapA: mapOf(a), mapB: mapOf(b) });
    crosses.set(`${nb}|${na}`, { a: b, b: a, offspring: child, fertility, mapA: mapOf(b), mapB: mapOf(a) });
  });
  return { species: byName, hybrids, crosses };
}

/** The cross of species `a` (maternal lanes) with species `b`, or null when they cannot breed. */
export function crossOf(catalog: BreedingCatalog, a: string, b: string): Cross | null {
  return catalog.crosses.get(`${a}|${b}`) ?? null;
}

// Server-side only (node:crypto): the secret must never reach a client.
import { createHash } from 'node:crypto';
import { streamFromKey } from '../../engine/rng/rng.ts';
import { hashGenome } from '../genetics/genome.ts';
import { breedCross, crossOf } from './compatibility.ts';
import type { BreedingCatalog, Cross } from './compatibility.ts';
import { offspringPreview } from './preview.ts';
import type { OffspringPreview, PreviewOptions } from './preview.ts';
import type { RosterCreature } from './roster.ts';

/** Two roster creatures a player wants to breed, and the scenario's compiled species. */
export interface PlayerParents {
  a: RosterCreature;
  b: RosterCreature;
  catalog: BreedingCatalog;
}

/** The outcome of a player's breeding. `born` is false when a hybrid pairing failed its fertility roll. */
export interface PlayerOffspring {
  ok: true;
  born: boolean;
  species: string;
  /** Genome lanes of the offspring species (empty when not born). */
  genome: number[];
  traits: Record<string, number>;
  /** Parent ids, lower id first (the maternal lanes come from it). */
  parents: [number, number];
  generation: number;
}

/** Why two roster creatures cannot breed. */
export interface BreedingRefusal {
  ok: false;
  reason: string;
}

interface Resolved {
  first: RosterCreature;
  second: RosterCreature;
  cross: Cross;
  genomeA: Float32Array;
  genomeB: Float32Array;
}

// The parents in a canonical order (lower id first), so that picking them the other way round is not a re-roll.
function resolve(parents: PlayerParents): Resolved | BreedingRefusal {
  const [first, second] = parents.a.id <= parents.b.id ? [parents.a, parents.b] : [parents.b, parents.a];
  if (first.id === second.id) return { ok: false, reason: 'a creature cannot breed with itself' };
  const cross = crossOf(parents.catalog, first.species, second.species);
  if (!cross)
    return { ok: false, reason: `${first.species} and ${second.species} cannot breed (no hybrid rule)` };
  const genomeA = Float32Array.from(first.genome);
  const genomeB = Float32Array.from(second.genome);
  if (genomeA.length !== cross.a.layout.width || genomeB.length !== cross.b.layout.width)
    return { ok: false, reason: 'a parent genome does not match its species (stale roster entry?)' };
  return { first, second, cross, genomeA, genomeB };
}

/** The offspring preview of two roster creatures (stable: it does not depend on the server counter). */
export function previewPlayerOffspring(
  parents: PlayerParents,
  options: PreviewOptions = {},
): OffspringPreview | BreedingRefusal {
  const r = resolve(parents);
  if ('ok' in r) return r;
  return offspringPreview(
    { cross: r.cross, a: { genome: r.genomeA, off: 0 }, b: { genome: r.genomeB, off: 0 } },
    options,
  );
}

/**
 * Breeds a player's two roster creatures. Every random draw (fertility roll, meiosis, mutation,
 * environmental noise) comes from one stream keyed by SHA-256 of the server secret, the server-side counter
 * and both parents (ids, species, genome hashes), in a canonical order: asking again with the same parents
 * and counter gives the same child, whichever parent is picked first, so the player cannot re-roll; the
 * server increments the counter after each breeding (counter + 1 gives another child).
 */
export function breedPlayerOffspring(
  parents: PlayerParents,
  serverCounter: number,
  secret: string,
): PlayerOffspring | BreedingRefusal {
  const r = resolve(parents);
  if ('ok' in r) return r;
  const { first, second, cross, genomeA, genomeB } = r;
  const key = [
    'player-breed',
    secret,
    serverCounter,
    first.id,
    first.species,
    hashGenome(genomeA, 0, genomeA.length),
    second.id,
    second.species,
    hashGenome(genomeB, 0, genomeB.length),
  ].join('\u0000');
  const rng = streamFromKey(createHash('sha256').update(key).digest('hex'));
  const born = rng() < cross.fertility;
  const generation = Math.max(first.generation ?? 0, second.generation ?? 0) + 1;
  const base = {
    ok: true as const,
    species: cross.offspring.name,
    parents: [first.id, second.id] as [number, number],
    generation,
  };
  if (!born) return { ...base, born, genome: [], traits: {} };
  const { layout, program } = cross.offspring;
  const child = new Float32Array(layout.width);
  breedCross(cross, genomeA, 0, genomeB, 0, child, 0, rng);
  const row = new Float32Array(program.width);
  program.evaluate(child, 0, row, 0, rng);
  return {
    ...base,
    born,
    genome: Array.from(child),
    traits: Object.fromEntries(program.names.map((n, k) => [n, row[k]])),
  };
}

import type { Embedder } from '../vector/embedder.ts';
import type { Metadata, VectorStore } from '../vector/vector-store.ts';
import { GLOBAL_ZONE } from '../vector/vector-store.ts';
import type { GroundingCreature } from './chat-model.ts';

/** A species as the scenarios describe it; the lead maps scenario species to this plain shape. */
export interface SpeciesDefinition {
  name: string;
  description: string;
  /** Notable traits, as words ("thick grey fur") or as name → value (`{ speed: 'fast' }`). */
  traits: readonly string[] | Readonly<Record<string, string | number | boolean>>;
  /** herbivore, carnivore, omnivore, … */
  diet: string;
  /** docile, skittish, territorial, hostile, … */
  temperament: string;
}

/** One bestiary entry: the text that is embedded and the metadata stored beside the vector. */
export interface BestiaryEntry {
  id: string;
  text: string;
  metadata: Metadata;
}

/** Stable bestiary id of a species name. */
export function speciesId(name: string): string {
  return `species:${name.trim().toLowerCase().replace(/\s+/g, '-')}`;
}

/** Readable traits text ("thick grey fur, speed fast"). */
export function traitsText(traits: SpeciesDefinition['traits']): string {
  if (Array.isArray(traits)) return traits.join(', ');
  return Object.entries(traits)
    .map(([k, v]) => (v === true ? k : `${k} ${String(v)}`))
    .join(', ');
}

/** Bestiary entries for species definitions (throws on duplicate or empty names). */
export function bestiaryEntries(species: readonly SpeciesDefinition[]): BestiaryEntry[] {
  const seen = new Set<string>();
  return species.map((s) => {
    const name = s.name.trim();
    if (!name) throw new Error('a species has an empty name');
    const id = speciesId(name);
    if (seen.has(id)) throw new Error(`species "${name}" is defined twice`);
    seen.add(id);
    const traits = traitsText(s.traits);
    const text =
      `${name}. ${s.description.trim()} Diet: ${s.diet}. Temperament: ${s.temperament}.` +
      (traits ? ` Traits: ${traits}.` : '');
    return {
      id,
      text,
      metadata: {
        kind: 'species',
        name,
        description: s.description.trim(),
        diet: s.diet,
        temperament: s.temperament,
        traits,
      },
    };
  });
}

/**
 * (Re)builds a realm's bestiary in the vector store: entries for `species` are upserted in the
 * partition (realm, zone) and species no longer listed are removed. Returns the number of entries.
 */
export async function indexBestiary(o: {
  store: VectorStore;
  embedder: Embedder;
  species: readonly SpeciesDefinition[];
  realm: string;
  /** Zone partition; default `global` (known everywhere in the realm). */
  zone?: string;
}): Promise<number> {
  const entries = bestiaryEntries(o.species);
  const partition = { realm: o.realm, zone: o.zone ?? GLOBAL_ZONE };
  await o.store.delete('bestiary', { filter: { kind: 'species' }, partitions: [partition] });
  if (entries.length === 0) return 0;
  const vectors = await o.embedder.embed(entries.map((e) => e.text));
  await o.store.upsert(
    'bestiary',
    partition,
    entries.map((e, i) => ({ id: e.id, vector: vectors[i], metadata: e.metadata })),
  );
  return entries.length;
}

/** A retrieved bestiary hit as grounding for the NPC. */
export function creatureFromMetadata(m: Metadata, score: number): GroundingCreature {
  return {
    name: String(m.name ?? ''),
    description: String(m.description ?? ''),
    diet: String(m.diet ?? ''),
    temperament: String(m.temperament ?? ''),
    traits: String(m.traits ?? ''),
    score,
  };
}

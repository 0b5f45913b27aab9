import { breedPlayerOffspring, previewPlayerOffspring } from '../../../ecology/breeding/player-breeding.ts';
import { compileCatalog } from '../../../ecology/breeding/compatibility.ts';
import type { BreedingCatalog } from '../../../ecology/breeding/compatibility.ts';
import { attemptCapture, Roster } from '../../../ecology/breeding/roster.ts';
import type { RosterCreature } from '../../../ecology/breeding/roster.ts';
import { compileSpecies } from '../../../ecology/genetics/species.ts';
import type { SpeciesGeneticsDef } from '../../../ecology/genetics/species.ts';
import { streamFromKey } from '../../../engine/rng/rng.ts';
import { ENTITY_KIND } from '../../../engine/zone/layout.ts';
import type { HookPlayer, ZoneServerHooks } from '../../../engine/net/zone-server.ts';
import type { World } from '../../../engine/world/world.ts';

// Creatures in the game: inspect (species and traits on hover), capture into a per-character roster, the
// offspring preview and breeding. The server owns every outcome: range, chance and the breeding roll are
// decided here, never by the client.

/** A species as the game needs it (the scenario's species entry). */
export interface GameSpecies extends SpeciesGeneticsDef {
  name: string;
  description?: string;
  hp?: number;
}

/** Options of the creature hooks. */
export interface CreatureOptions {
  species: readonly GameSpecies[];
  /** Server secret for breeding rolls (players cannot re-roll). */
  secret: string;
  /** Capture range in metres (default 8). */
  captureRangeM?: number;
  /** Roster size per character (default 30). */
  rosterCapacity?: number;
  /** One capture attempt per this many ms per character (the spec: one per GCD; default 1500). */
  captureCooldownMs?: number;
  /** Clock for the capture cooldown (default Date.now; the simulation never reads it). */
  now?: () => number;
}

const SHOWN_TRAITS = 4;

/** The zone-server hooks for creatures, and the rosters they keep (in memory, per character). */
export function creatureHooks(o: CreatureOptions): Required<
  Pick<ZoneServerHooks, 'capture' | 'breed' | 'preview' | 'inspect'>
> & {
  rosters: Map<number, Roster>;
} {
  const compiled = o.species.map((s, i) => compileSpecies(s, ['species', i]));
  const catalog: BreedingCatalog = compileCatalog(compiled);
  const genomeWidth = Math.max(0, ...compiled.map((c) => 2 * c.layout.loci));
  const traitWidth = Math.max(0, ...compiled.map((c) => c.program.names.length));
  const rosters = new Map<number, Roster>();
  let breedCounter = 0;
  let captureCounter = 0;
  const range = o.captureRangeM ?? 8;
  const lastAttempt = new Map<number, number>();
  const now = o.now ?? Date.now;
  const rosterOf = (p: HookPlayer): Roster => {
    let r = rosters.get(p.character);
    if (!r) rosters.set(p.character, (r = new Roster(String(p.character), o.rosterCapacity ?? 30)));
    return r;
  };
  const summary = (c: RosterCreature) => ({
    id: c.id,
    species: c.species,
    name: c.name,
    generation: c.generation ?? 0,
    traits: c.traits,
  });
  const listOf = (p: HookPlayer) => rosterOf(p).list().map(summary);
  // A creature in the world and the player, with their positions.
  const locate = (world: World, p: HookPlayer, target: number) => {
    const t = world.findEntity(target);
    const me = world.findEntity(p.entity);
    if (!t || !me) return null;
    const z = world.zones[t.zone];
    const zm = world.zones[me.zone];
    const dist = Math.hypot(
      z.f32('x')[t.index] - zm.f32('x')[me.index],
      z.f32('y')[t.index] - zm.f32('y')[me.index],
    );
    return { z, i: t.index, dist, sameZone: t.zone === me.zone };
  };

  return {
    rosters,
    async inspect(p, target, world) {
      const at = locate(world, p, target);
      if (!at) return { ok: false, target, message: 'nothing there' };
      const { z, i } = at;
      const kind = z.u8('kind')[i];
      if (kind !== ENTITY_KIND.creature) return { ok: true, target, kind, hp: z.f32('hp')[i] };
      const s = o.species[z.u16('type')[i]];
      const c = compiled[z.u16('type')[i]];
      const row =
        traitWidth > 0 ? z.f32('traits').subarray(i * traitWidth, (i + 1) * traitWidth) : new Float32Array(0);
      const traits = Object.fromEntries(
        c.program.names.slice(0, SHOWN_TRAITS).map((n, k) => [n, Math.round(row[k] * 100) / 100]),
      );
      return {
        ok: true,
        target,
        kind,
        species: s.name,
        description: s.description ?? '',
        hp: Math.ceil(z.f32('hp')[i]),
        maxHp: s.hp ?? 40,
        traits,
      };
    },
    async capture(p, target, world) {
      const at = locate(world, p, target);
      if (!at || at.z.u8('kind')[at.i] !== ENTITY_KIND.creature)
        return { ok: false, message: 'pick a creature to capture', roster: listOf(p) };
      if (!at.sameZone || at.dist > range)
        return {
          ok: false,
          message: `too far: get within ${range} m (${at.dist.toFixed(1)} m)`,
          roster: listOf(p),
        };
      const t = now();
      const wait = (lastAttempt.get(p.character) ?? -Infinity) + (o.captureCooldownMs ?? 1500) - t;
      if (wait > 0)
        return {
          ok: false,
          message: `one capture attempt per GCD: wait ${(wait / 1000).toFixed(1)} s`,
          roster: listOf(p),
        };
      lastAttempt.set(p.character, t);
      const roster = rosterOf(p);
      if (roster.list().length >= roster.capacity)
        return { ok: false, message: `roster full (${roster.capacity})`, roster: listOf(p) };
      const ti = at.z.u16('type')[at.i];
      const s = o.species[ti];
      const r = attemptCapture({
        zone: at.z,
        index: at.i,
        species: s.name,
        traitNames: compiled[ti].program.names,
        genomeWidth,
        traitWidth,
        maxHp: s.hp ?? 40,
        params: { base: 0.35, k: 2 },
        rng: streamFromKey(`${o.secret}:capture:${captureCounter++}:${p.character}:${target}`),
        tick: world.tick,
      });
      if (!r.success || !r.creature)
        return {
          ok: true,
          success: false,
          chance: r.chance,
          message: `the ${s.name} broke free (${Math.round(r.chance * 100)} % chance)`,
          roster: listOf(p),
        };
      // The creature's genome width is its own species' (the field is as wide as the widest species).
      const creature = { ...r.creature, genome: r.creature.genome.slice(0, 2 * compiled[ti].layout.loci) };
      roster.add(creature);
      world.queueInput(at.z.geometry.id, { kind: 'capture-remove', entity: target, by: p.entity });
      return {
        ok: true,
        success: true,
        chance: r.chance,
        message: `captured ${creature.name}`,
        creature: summary(creature),
        roster: listOf(p),
      };
    },
    async preview(p, a, b) {
      const roster = rosterOf(p);
      const ca = roster.get(a);
      const cb = roster.get(b);
      if (!ca || !cb) return { ok: false, message: 'pick two creatures from your roster' };
      const pv = previewPlayerOffspring({ a: ca, b: cb, catalog }, { samples: 2000 });
      return 'ok' in pv ? { ok: false, message: pv.reason } : { ok: true, preview: pv };
    },
    async breed(p, a, b) {
      const roster = rosterOf(p);
      const ca = roster.get(a);
      const cb = roster.get(b);
      if (!ca || !cb) return { ok: false, message: 'pick two creatures from your roster', roster: listOf(p) };
      const r = breedPlayerOffspring({ a: ca, b: cb, catalog }, breedCounter++, o.secret);
      if (!r.ok) return { ok: false, message: r.reason, roster: listOf(p) };
      if (!r.born) return { ok: true, born: false, message: 'no offspring this time', roster: listOf(p) };
      const id = 0x40000000 + breedCounter;
      const child: RosterCreature = {
        id,
        species: r.species,
        name: `${r.species} #${id}`,
        genome: r.genome,
        traits: r.traits,
        capturedAtTick: 0,
        generation: r.generation,
        parents: r.parents,
      };
      const added = roster.add(child);
      if (!added.ok) return { ok: false, message: added.reason, roster: listOf(p) };
      return {
        ok: true,
        born: true,
        creature: summary(child),
        message: `a ${r.species} was born`,
        roster: listOf(p),
      };
    },
  };
}

import type { SelfState } from '../../../../engine/net/self-state.ts';
import { STATE_BIT } from '../../../../engine/net/snapshot.ts';
import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import type { GameCatalog } from '../../../../engine/net/zone-server.ts';
import { ENTITY_KIND } from '../../../../engine/zone/layout.ts';
import type { Pos } from './interpolation.ts';

// What the HUD shows, derived from the player's private block, the catalog and the estimated server tick:
// plain functions, so that the page stays a thin layer of markup over them.

/** A skill of a class, as the catalog describes it. */
export type CatalogSkill = GameCatalog['classes'][string]['skills'][number];

/** A species as the game catalog describes it (the site adds `species` to the catalog). */
export interface CatalogSpecies {
  type: number;
  name: string;
  description: string;
  hp: number;
}

/** The target frame's content. */
export interface TargetView {
  id: number;
  name: string;
  hp: number;
  max: number;
  dead: boolean;
  hostile: boolean;
  creature: boolean;
  distanceM: number;
}

/** One skill-bar button's state. */
export interface SkillView {
  slot: number;
  name: string;
  effect: string;
  costMp: number;
  /** Fraction of the cooldown still to run (1 → 0): the cooldown sweep. */
  cdFrac: number;
  /** Fraction of the global cooldown still to run: the GCD sweep. */
  gcdFrac: number;
  /** Seconds of cooldown left (0 when ready). */
  cdLeftS: number;
  /** Enough mana. */
  affordable: boolean;
  /** Castable now (no cooldown, no GCD, mana, alive, not casting). */
  ready: boolean;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** The skill bar from the player's state at (fractional) server tick `tick`; `hz` turns ticks into seconds. */
export function skillViews(o: {
  skills: readonly CatalogSkill[];
  gcdS: number;
  self: SelfState;
  tick: number;
  hz: number;
}): SkillView[] {
  const { self, tick, hz } = o;
  const gcdLeftS = Math.max(0, (self.gcdUntil - tick) / hz);
  return o.skills.map((s) => {
    const cdLeftS = Math.max(0, ((self.cooldownUntil[s.slot - 1] ?? 0) - tick) / hz);
    const affordable = self.mp >= s.costMp;
    return {
      slot: s.slot,
      name: s.name,
      effect: s.effect,
      costMp: s.costMp,
      cdFrac: s.cooldownS > 0 ? clamp01(cdLeftS / s.cooldownS) : 0,
      gcdFrac: o.gcdS > 0 ? clamp01(gcdLeftS / o.gcdS) : 0,
      cdLeftS,
      affordable,
      ready: cdLeftS === 0 && gcdLeftS === 0 && affordable && !self.dead && !self.castSlot,
    };
  });
}

/** The cast bar while a cast is under way: the skill and how far along it is (0 → 1). */
export function castView(o: {
  skills: readonly CatalogSkill[];
  self: SelfState;
  tick: number;
  /** The simulation's tick rate (cast times are converted to ticks with it, rounded up). */
  simHz: number;
}): { name: string; frac: number } | null {
  const { self } = o;
  if (!self.castSlot || self.dead) return null;
  const s = o.skills[self.castSlot - 1];
  if (!s) return null;
  const total = Math.max(1, Math.ceil(s.castS * o.simHz));
  return { name: s.name, frac: clamp01(1 - (self.castEnd - o.tick) / total) };
}

/** Seconds until the automatic respawn (0 when alive). */
export function respawnInS(self: SelfState, tick: number, hz: number): number {
  return self.dead ? Math.max(0, (self.respawnAt - tick) / hz) : 0;
}

/** The catalog's species list (empty when the world has none). */
export function speciesOf(catalog: GameCatalog): CatalogSpecies[] {
  return Array.isArray(catalog.species) ? (catalog.species as CatalogSpecies[]) : [];
}

/** What to call an entity in the target frame. */
export function entityName(catalog: GameCatalog, e: SeenEntity, selfId: number, selfName: string): string {
  if (e.kind === ENTITY_KIND.enemy) return catalog.enemies[e.type]?.name ?? 'Enemy';
  if (e.kind === ENTITY_KIND.creature) return speciesOf(catalog)[e.type]?.name ?? 'Creature';
  if (e.kind === ENTITY_KIND.player)
    return e.id === selfId ? selfName : `Player (${catalog.classNames[e.type] ?? 'adventurer'})`;
  if (e.kind === ENTITY_KIND.projectile) return 'Projectile';
  return 'Unknown';
}

/** An entity's maximum HP (0 when it has none: projectiles). */
export function entityMaxHp(catalog: GameCatalog, e: SeenEntity): number {
  if (e.kind === ENTITY_KIND.enemy) return catalog.enemies[e.type]?.hp ?? 0;
  if (e.kind === ENTITY_KIND.creature) return speciesOf(catalog)[e.type]?.hp ?? 40;
  if (e.kind === ENTITY_KIND.player) return catalog.classes[catalog.classNames[e.type]]?.hp ?? 100;
  return 0;
}

/** A living entity the server marks hostile (enemies, and creatures whose temperament makes them so). */
export function isHostile(e: SeenEntity): boolean {
  return !e.dead && (e.bits & STATE_BIT.hostile) !== 0;
}

/** A living creature (something to capture). */
export function isCreature(e: SeenEntity): boolean {
  return !e.dead && e.kind === ENTITY_KIND.creature;
}

/**
 * The next target when cycling: among the `limit` nearest accepted entities within `maxRangeM`, the one after
 * `current` (or before it when `step` is -1), nearest first; 0 when there is none.
 */
export function cycleTarget(o: {
  entities: Iterable<SeenEntity>;
  from: Pos;
  current: number;
  accept: (e: SeenEntity) => boolean;
  step?: 1 | -1;
  limit?: number;
  maxRangeM?: number;
}): number {
  const range = o.maxRangeM ?? 40;
  const near: Array<{ id: number; d: number }> = [];
  for (const e of o.entities) {
    if (!o.accept(e)) continue;
    const d = Math.hypot(e.x - o.from.x, e.y - o.from.y);
    if (d <= range) near.push({ id: e.id, d });
  }
  near.sort((a, b) => a.d - b.d || a.id - b.id);
  const list = near.slice(0, o.limit ?? 8);
  if (!list.length) return 0;
  const at = list.findIndex((e) => e.id === o.current);
  const step = o.step ?? 1;
  if (at < 0) return step === 1 ? list[0].id : list[list.length - 1].id;
  return list[(at + step + list.length) % list.length].id;
}

/**
 * The target id to cast a skill at: heals go to a targeted living player, else to oneself (0 lets the
 * server pick the caster); areas need none; everything else goes to the current target.
 */
export function castTargetOf(skill: Pick<CatalogSkill, 'effect'>, target: SeenEntity | undefined): number {
  if (skill.effect === 'heal')
    return target && target.kind === ENTITY_KIND.player && !target.dead ? target.id : 0;
  if (skill.effect === 'area') return 0;
  return target?.id ?? 0;
}

/** Whether a skill needs a hostile target (the client may pick the nearest one when none is selected). */
export function needsEnemyTarget(skill: Pick<CatalogSkill, 'effect'>): boolean {
  return skill.effect === 'projectile' || skill.effect === 'melee';
}

import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

// The JSON Schema (TypeBox) of scenarios' `content:` section. Kept apart from content.ts so the runtime —
// worker threads above all — never loads TypeBox (~85 ms per thread); only validation needs it.

/** What a skill does: one of a small set of effect kinds (Warrior, Ranger and Summoner fit the same set). */
export const EFFECT_KINDS = ['projectile', 'area', 'heal', 'buff', 'summon', 'melee'] as const;

const Num = (min = 0) => Type.Number({ minimum: min });

/** A skill: data plus one effect kind. */
export const SkillSchema = Type.Object(
  {
    name: Type.String(),
    effect: Type.Union(EFFECT_KINDS.map((k) => Type.Literal(k))),
    /** 0 = instant. */
    castS: Num(),
    cooldownS: Num(),
    costMp: Num(),
    rangeM: Num(),
    needsLos: Type.Optional(Type.Boolean()),
    target: Type.Union([Type.Literal('enemy'), Type.Literal('self-or-ally'), Type.Literal('none')]),
    damage: Type.Optional(Num()),
    heal: Type.Optional(Num()),
    speedMps: Type.Optional(Num()),
    /** Projectile: misses if the target gets farther than this from the caster, or dies, first. */
    missRangeM: Type.Optional(Num()),
    radiusM: Type.Optional(Num()),
    knockbackM: Type.Optional(Num()),
    /** Casting is cancelled by moving. */
    moveCancels: Type.Optional(Type.Boolean()),
    /** Casting is interrupted by taking at least this much damage (cooldown starts, mana refunded). */
    interruptDamage: Type.Optional(Num()),
  },
  { additionalProperties: false },
);

/** A class: stats and its skill bar. */
export const ClassSchema = Type.Object(
  {
    hp: Num(1),
    mp: Num(),
    mpRegenPerS: Num(),
    moveSpeedMps: Num(),
    gcdS: Num(),
    skills: Type.Array(Type.String(), { maxItems: 8 }),
  },
  { additionalProperties: false },
);

/** An enemy type: the FSM's numbers (a boss is the same machine with more phases). */
export const EnemyTypeSchema = Type.Object(
  {
    hp: Num(1),
    aggroRadiusM: Num(),
    idleWanderM: Num(),
    idleSpeedMps: Num(),
    pursueSpeedMps: Num(),
    leashM: Num(),
    attackRangeM: Num(),
    windupS: Num(),
    coneDeg: Num(),
    coneRadiusM: Num(),
    damage: Num(),
    recoverS: Num(),
    /** Damage multiplier while recovering (1.25 = takes 25 % more). */
    recoverDamageMul: Num(),
  },
  { additionalProperties: false },
);

/** The scenario's `content` section: any class, skill or enemy field can be overridden. */
export const CombatContentSchema = Type.Object(
  {
    classes: Type.Optional(Type.Record(Type.String(), Type.Partial(ClassSchema))),
    skills: Type.Optional(Type.Record(Type.String(), Type.Partial(SkillSchema))),
    enemies: Type.Optional(Type.Record(Type.String(), Type.Partial(EnemyTypeSchema))),
    /** Player life: i-frames and respawn. */
    life: Type.Optional(
      Type.Object(
        {
          hitIframesS: Type.Optional(Num()),
          respawnIframesS: Type.Optional(Num()),
          respawnS: Type.Optional(Num()),
        },
        { additionalProperties: false },
      ),
    ),
    /** Respawn points (the nearest one is used). */
    shrines: Type.Optional(
      Type.Array(Type.Object({ x: Type.Number(), y: Type.Number() }, { additionalProperties: false })),
    ),
  },
  { additionalProperties: false },
);

export type SkillDef = Static<typeof SkillSchema>;
export type ClassDef = Static<typeof ClassSchema>;
export type EnemyTypeDef = Static<typeof EnemyTypeSchema>;
export type CombatContentOverrides = Static<typeof CombatContentSchema>;

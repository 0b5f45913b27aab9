import type { ClassDef, CombatContentOverrides, EnemyTypeDef, SkillDef } from './content-schema.ts';

export type { ClassDef, CombatContentOverrides, EnemyTypeDef, SkillDef } from './content-schema.ts';

// Classes, skills and enemy types are data; the numbers below are the specs' defaults, which scenarios
// override under `content:`. Seconds are converted to ticks (rounded up) where the systems use them.
// Their schema is in content-schema.ts.

/** Content with every default filled in. */
export interface CombatContent {
  classes: Record<string, ClassDef>;
  skills: Record<string, SkillDef>;
  enemies: Record<string, EnemyTypeDef>;
  life: { hitIframesS: number; respawnIframesS: number; respawnS: number };
  shrines: Array<{ x: number; y: number }>;
}

/** The specs' defaults: the Mage, its three skills and a melee enemy. */
export const DEFAULT_CONTENT: CombatContent = {
  classes: {
    mage: {
      hp: 100,
      mp: 100,
      mpRegenPerS: 6,
      moveSpeedMps: 5,
      gcdS: 0.5,
      skills: ['magic-missile', 'arcane-nova', 'heal'],
    },
  },
  skills: {
    'magic-missile': {
      name: 'Magic Missile',
      effect: 'projectile',
      castS: 0,
      cooldownS: 0.8,
      costMp: 8,
      rangeM: 14,
      needsLos: true,
      target: 'enemy',
      damage: 14,
      speedMps: 20,
      missRangeM: 18,
    },
    'arcane-nova': {
      name: 'Arcane Nova',
      effect: 'area',
      castS: 0.3,
      cooldownS: 8,
      costMp: 25,
      rangeM: 0,
      target: 'none',
      damage: 32,
      radiusM: 4.5,
      knockbackM: 2.5,
    },
    heal: {
      name: 'Heal',
      effect: 'heal',
      castS: 1.2,
      cooldownS: 10,
      costMp: 30,
      rangeM: 10,
      target: 'self-or-ally',
      heal: 40,
      moveCancels: true,
      interruptDamage: 20,
    },
  },
  enemies: {
    grunt: {
      hp: 80,
      aggroRadiusM: 8,
      idleWanderM: 3,
      idleSpeedMps: 1.2,
      pursueSpeedMps: 4,
      leashM: 20,
      attackRangeM: 1.8,
      windupS: 0.6,
      coneDeg: 90,
      coneRadiusM: 2.2,
      damage: 15,
      recoverS: 0.8,
      recoverDamageMul: 1.25,
    },
  },
  life: { hitIframesS: 0.4, respawnIframesS: 2, respawnS: 5 },
  shrines: [{ x: 5, y: 5 }],
};

/** Merges a scenario's overrides over the defaults (new classes, skills and enemies need every field). */
export function resolveContent(o: CombatContentOverrides = {}): CombatContent {
  const merge = <T extends object>(
    base: Record<string, T>,
    over: Record<string, Partial<T>> | undefined,
  ): Record<string, T> => {
    const out: Record<string, T> = { ...base };
    for (const [k, v] of Object.entries(over ?? {})) out[k] = { ...(base[k] ?? ({} as T)), ...v } as T;
    return out;
  };
  return {
    classes: merge(DEFAULT_CONTENT.classes, o.classes),
    skills: merge(DEFAULT_CONTENT.skills, o.skills),
    enemies: merge(DEFAULT_CONTENT.enemies, o.enemies),
    life: { ...DEFAULT_CONTENT.life, ...(o.life ?? {}) },
    shrines: o.shrines ?? DEFAULT_CONTENT.shrines,
  };
}

/** Seconds to ticks, rounded up (the specs' rule). */
export const ticksOf = (s: number, tickRate: number): number => Math.ceil(s * tickRate - 1e-9);

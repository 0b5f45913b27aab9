import type { SystemDef, SystemUse } from '../world/system.ts';
import { combatSystem } from './combat-system.ts';
import { resolveContent } from './content.ts';
import type { CombatContentOverrides } from './content.ts';

/** Combat systems, loaded by every thread of a world with players or enemies. */
export const systems: readonly SystemDef<never>[] = [combatSystem as SystemDef<never>];

/** URL of this plugin, for `World.create({ plugins })`. */
export const COMBAT_PLUGIN = new URL(import.meta.url).href;

/** The systems a combat world runs, in order: combat decides velocities, `move` integrates them. */
export function combatSystemsFor(content: CombatContentOverrides = {}): SystemUse[] {
  return [{ use: 'combat', params: resolveContent(content) as never }, { use: 'move' }];
}

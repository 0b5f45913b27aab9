import type { SystemDef } from '../world/system.ts';
import { moveSystem } from './move.ts';
import { wanderSystem } from './wander.ts';

/** Systems every world can use without a plugin. */
export const ENGINE_SYSTEMS: readonly SystemDef<never>[] = [
  wanderSystem as SystemDef<never>,
  moveSystem as SystemDef<never>,
];

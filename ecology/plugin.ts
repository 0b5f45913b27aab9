import type { SystemDef } from '../engine/world/system.ts';
import { ecologySystem } from './life/ecology-system.ts';

/** Ecology systems, loaded by every thread of a world whose scenario has species. */
export const systems: readonly SystemDef<never>[] = [ecologySystem as SystemDef<never>];

/** URL of this plugin, for `World.create({ plugins })`. */
export const ECOLOGY_PLUGIN = new URL(import.meta.url).href;

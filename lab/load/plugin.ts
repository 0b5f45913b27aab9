import type { SystemDef } from '../../engine/world/system.ts';
import { botSystem } from './bot-system.ts';

/** Load-scenario systems (in-process bots), loaded by every thread of a world that has bots. */
export const systems: readonly SystemDef<never>[] = [botSystem as SystemDef<never>];

/** URL of this plugin, for `World.create({ plugins })`. */
export const LOAD_PLUGIN = new URL(import.meta.url).href;

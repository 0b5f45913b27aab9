import type { SystemUse } from '../../engine/world/system.ts';
import type { WorldOptions } from '../../engine/world/world.ts';
import { ECOLOGY_PLUGIN } from '../../ecology/plugin.ts';
import { resolveContent } from '../../engine/combat/content.ts';
import { COMBAT_PLUGIN } from '../../engine/combat/plugin.ts';
import { LOAD_PLUGIN } from '../load/plugin.ts';
import { registerSemanticCheck } from './checks.ts';
import './ecology-checks.ts';
import type { Scenario } from './schema.ts';

/** The systems a scenario runs, in step order: its explicit list, or the one its sections imply. */
export function scenarioSystems(s: Scenario): SystemUse[] {
  if (s.systems && s.systems.length > 0)
    return s.systems.map((u) => ({ use: u.use, params: u.params ?? {} }));
  const out: SystemUse[] = [];
  const combat = Boolean(s.bots || s.enemies || s.content);
  const content = combat ? resolveContent(s.content ?? {}) : null;
  if (s.wanderers) out.push({ use: 'wander', params: { ...s.wanderers } });
  // Bots send their intents first; ecology and combat act on them; move integrates velocities last.
  if (content && (s.bots || s.enemies))
    out.push({
      use: 'bots',
      params: {
        ...(s.bots ?? {}),
        count: s.bots?.count ?? 0,
        enemies: s.enemies ?? {},
        enemyTypes: Object.keys(content.enemies),
      },
    });
  if (s.species && s.species.length > 0)
    out.push({ use: 'ecology', params: { species: s.species, grass: s.grass, settings: s.ecology } });
  if (content) out.push({ use: 'combat', params: content as never });
  // The move system integrates velocities: needed by wanderers and by species that wander continuously.
  const continuous =
    combat || Boolean(s.wanderers) || (s.species ?? []).some((sp) => sp.movement.mode === 'wander');
  if (continuous) out.push({ use: 'move' });
  return out;
}

registerSemanticCheck((s) => {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  if (scenarioSystems(s).length === 0)
    issues.push({
      path: [],
      message: 'nothing to simulate: add a section such as wanderers, or a systems list',
    });
  if (s.world.cellM > Math.min(s.world.zoneWidthM, s.world.zoneHeightM))
    issues.push({
      path: ['world', 'cellM'],
      message: `grid cell (${s.world.cellM} m) is larger than a zone (${s.world.zoneWidthM}×${s.world.zoneHeightM} m)`,
    });
  return issues;
});

/** Plugin modules a scenario's systems come from. */
export function scenarioPlugins(s: Scenario): string[] {
  const out: string[] = [];
  if (s.species && s.species.length > 0) out.push(ECOLOGY_PLUGIN);
  if (s.bots || s.enemies || s.content) out.push(COMBAT_PLUGIN, LOAD_PLUGIN);
  return out;
}

/** Options for turning a scenario into a world. */
export interface WorldFromScenario {
  workers?: number;
  seed?: number | string;
  plugins?: string[];
}

/** World options for a validated scenario. */
export function scenarioToWorldOptions(s: Scenario, o: WorldFromScenario = {}): WorldOptions {
  return {
    seed: o.seed ?? s.seed ?? 1,
    tickRate: s.tickRate ?? 20,
    layout: {
      zonesX: s.world.zonesX,
      zonesY: s.world.zonesY,
      zoneWidthM: s.world.zoneWidthM,
      zoneHeightM: s.world.zoneHeightM,
      cellM: s.world.cellM,
      edge: s.world.edge ?? 'bounce',
      biomes: s.world.biomes,
    },
    systems: scenarioSystems(s),
    plugins: o.plugins ?? scenarioPlugins(s),
    workers: o.workers ?? 0,
  };
}

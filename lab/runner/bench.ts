import { driveWorld } from '../../engine/world/scheduler.ts';
import { World } from '../../engine/world/world.ts';
import { summarise } from './run.ts';
import type { TickPercentiles } from './run.ts';

/** Options for the engine benchmark: wanderers with neighbour avoidance at a constant density. */
export interface EngineBenchOptions {
  agents: number;
  zones: number;
  workers: number;
  ticks: number;
  /** Ticks run before measuring, so the JIT has warmed up. Default min(20, ticks / 10). */
  warmupTicks?: number;
  /** Agents per square metre; the world grows with the agent count. Default 0.25. */
  density?: number;
  seed?: number;
}

/** Figures the engine benchmark prints (`arcane bench --json`). */
export interface EngineBenchResult {
  worldHash: string;
  ticks: number;
  agents: number;
  workers: number;
  zones: number;
  tickMs: TickPercentiles;
  agentStepsPerSec: number;
  nsPerAgentStep: number;
  bytesPerAgent: number;
  bytesAllocatedPerAgent: number;
}

/** zonesX × zonesY = zones, as close to square as possible. */
export function zoneGrid(zones: number): [number, number] {
  let best: [number, number] = [zones, 1];
  for (let y = 1; y * y <= zones; y++) if (zones % y === 0) best = [zones / y, y];
  return best;
}

/** Runs the wanderer world headless and measures tick times after a warm-up. */
export async function benchEngine(o: EngineBenchOptions): Promise<EngineBenchResult> {
  const [zonesX, zonesY] = zoneGrid(o.zones);
  const density = o.density ?? 0.25;
  const zoneSide = Math.sqrt(o.agents / o.zones / density);
  const world = await World.create({
    seed: o.seed ?? 1,
    layout: { zonesX, zonesY, zoneWidthM: zoneSide, zoneHeightM: zoneSide, cellM: 4 },
    systems: [{ use: 'wander', params: { count: o.agents } }, { use: 'move' }],
    workers: o.workers,
    initialCapacity: Math.ceil((o.agents / o.zones) * 1.5) + 64,
  });
  try {
    await driveWorld(world, { ticks: o.warmupTicks ?? Math.min(20, Math.floor(o.ticks / 10)) });
    const t0 = performance.now();
    const res = await driveWorld(world, { ticks: o.ticks });
    const wallMs = performance.now() - t0;
    const steps = world.agents * res.ticks;
    return {
      worldHash: world.hash(),
      ticks: res.ticks,
      agents: world.agents,
      workers: o.workers,
      zones: o.zones,
      tickMs: summarise(res.durationsMs),
      agentStepsPerSec: Math.round(steps / (wallMs / 1000)),
      nsPerAgentStep: Math.round(((wallMs * 1e6) / steps) * 10) / 10,
      bytesPerAgent: world.bytesPerAgent,
      bytesAllocatedPerAgent: Math.round(world.bytesAllocatedPerAgent),
    };
  } finally {
    await world.close();
  }
}

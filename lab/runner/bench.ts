import { driveWorld, percentile } from '../../engine/world/scheduler.ts';
import { World } from '../../engine/world/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scenarioToWorldOptions } from '../scenario/to-world.ts';
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

/** Options for timing whole runs of a scenario (setup included), as the framework comparisons do. */
export interface ScenarioBenchOptions {
  scenario: Scenario;
  runs: number;
  workers?: number;
  seed?: number;
}

/** Figures of a scenario benchmark (`arcane bench --scenario F --runs N --json`). */
export interface ScenarioBenchResult {
  scenario: string;
  runs: number;
  ticks: number;
  workers: number;
  msPerRun: { median: number; min: number; max: number };
  agentsAtEnd: { median: number; min: number; max: number };
  worldHashes: string[];
}

/** Times `runs` complete runs (world creation, population and every tick), each with its own seed. */
export async function benchScenario(o: ScenarioBenchOptions): Promise<ScenarioBenchResult> {
  const times: number[] = [];
  const agents: number[] = [];
  const hashes: string[] = [];
  for (let r = 0; r < o.runs; r++) {
    const t0 = performance.now();
    const world = await World.create(
      scenarioToWorldOptions(o.scenario, { workers: o.workers ?? 0, seed: (o.seed ?? 1) + r }),
    );
    for (let t = 0; t < o.scenario.ticks; t++) await world.step();
    times.push(performance.now() - t0);
    agents.push(world.agents);
    hashes.push(world.hash());
    await world.close();
  }
  const stat = (v: number[]): { median: number; min: number; max: number } => ({
    median: Math.round(percentile(v, 50) * 100) / 100,
    min: Math.round(Math.min(...v) * 100) / 100,
    max: Math.round(Math.max(...v) * 100) / 100,
  });
  return {
    scenario: o.scenario.name,
    runs: o.runs,
    ticks: o.scenario.ticks,
    workers: o.workers ?? 0,
    msPerRun: stat(times),
    agentsAtEnd: stat(agents),
    worldHashes: hashes,
  };
}

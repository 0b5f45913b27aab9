import { streamFor } from '../rng/rng.ts';
import { buildGrid } from '../zone/grid.ts';
import { FLAG, HEADER } from '../zone/layout.ts';
import type { ZoneLayout } from '../zone/layout.ts';
import type { ZoneViews } from '../zone/zone.ts';
import type {
  MetricSample,
  SimEvent,
  SimInput,
  StepContext,
  SystemDef,
  SystemPlugin,
  SystemUse,
  WorldGeometry,
} from './system.ts';
import { ENGINE_SYSTEMS } from '../systems/index.ts';

/** Everything a thread needs to step any zone: immutable for the life of a world. */
export interface WorldConfig {
  /** u32 seed. */
  seed: number;
  tickRate: number;
  geometry: WorldGeometry;
  systems: SystemUse[];
  /** Module URLs exporting `systems` (a SystemPlugin), imported by every thread. */
  plugins: string[];
  layout: ZoneLayout;
}

/** What one zone's step hands back to the barrier. */
export interface ZoneStepResult {
  zoneId: number;
  tick: number;
  /** Entities staged at [count, count + staged). */
  staged: number;
  /** Indices to remove. */
  despawn: number[];
  /** Pairs (index, target zone). */
  migrate: number[];
  events: SimEvent[];
  /** The events as JSON, when they crossed from a worker thread (then `events` is empty). */
  eventsJson?: string;
  metrics: MetricSample[];
}

/** Thrown when a zone runs out of capacity mid-tick; the world grows the zone and steps it again. */
export class SpawnOverflowError extends Error {
  constructor(readonly zoneId: number) {
    super(`zone ${zoneId} ran out of entity capacity`);
    this.name = 'SpawnOverflowError';
  }
}

/** Loads the engine's systems plus each plugin's, by name. */
export async function loadSystemRegistry(plugins: readonly string[]): Promise<Map<string, SystemDef<never>>> {
  const registry = new Map<string, SystemDef<never>>();
  const add = (defs: readonly SystemDef<never>[], from: string): void => {
    for (const d of defs) {
      if (registry.has(d.name)) throw new Error(`system '${d.name}' from ${from} is already registered`);
      registry.set(d.name, d);
    }
  };
  add(ENGINE_SYSTEMS as readonly SystemDef<never>[], 'engine');
  for (const url of plugins) {
    const mod = (await import(url)) as Partial<SystemPlugin>;
    if (!Array.isArray(mod.systems)) throw new Error(`plugin ${url} exports no 'systems' array`);
    add(mod.systems, url);
  }
  return registry;
}

/** Resolves a scenario's system list against a registry, failing with the unknown name. */
export function resolveSystems(
  registry: Map<string, SystemDef<never>>,
  uses: readonly SystemUse[],
): Array<{ def: SystemDef<never>; params: never }> {
  return uses.map((u) => {
    const def = registry.get(u.use);
    if (!def) throw new Error(`unknown system '${u.use}' (known: ${[...registry.keys()].join(', ')})`);
    return { def, params: (u.params ?? {}) as never };
  });
}

/** Steps zones: the same code on a worker thread and inline on the main thread. */
export class ZoneRuntime {
  private readonly systems: Array<{ def: SystemDef<never>; params: never }>;

  constructor(
    readonly config: WorldConfig,
    registry: Map<string, SystemDef<never>>,
  ) {
    this.systems = resolveSystems(registry, config.systems);
  }

  /** Runs every system's `init` for a zone at tick 0. */
  initZone(z: ZoneViews): ZoneStepResult {
    return this.run(z, 0, [], (ctx) => {
      for (const s of this.systems) s.def.init?.(ctx, s.params);
    });
  }

  /**
   * Steps a zone one tick: backs up its state (so a failure anywhere restores the last good tick),
   * rebuilds the grid, then runs the systems in order.
   */
  stepZone(z: ZoneViews, tick: number, inputs: readonly SimInput[] = []): ZoneStepResult {
    // A copy: systems may add inputs for later systems without touching the world's queue.
    const own = [...inputs];
    z.backup();
    z.backupHeader[HEADER.backupTick] = tick;
    return this.run(z, tick, own, (ctx) => {
      let gridFresh = false;
      for (const s of this.systems) {
        if (s.def.readsGrid !== false && !gridFresh) {
          buildGrid(z);
          gridFresh = true;
        }
        s.def.step(ctx, s.params);
        if (s.def.movesEntities) gridFresh = false;
      }
    });
  }

  private run(
    z: ZoneViews,
    tick: number,
    inputs: SimInput[],
    body: (ctx: StepContext) => void,
  ): ZoneStepResult {
    const cfg = this.config;
    const zoneId = z.geometry.id;
    const result: ZoneStepResult = {
      zoneId,
      tick,
      staged: 0,
      despawn: [],
      migrate: [],
      events: [],
      metrics: [],
    };
    z.header[HEADER.staged] = 0;
    const flags = z.u8('flags');
    const kindF = z.u8('kind');
    const fields = z.fieldList;
    const ctx: StepContext = {
      zone: z,
      world: cfg.geometry,
      tick,
      seed: cfg.seed,
      dt: 1 / cfg.tickRate,
      tickRate: cfg.tickRate,
      inputs,
      rng: (purpose) => streamFor(cfg.seed, zoneId, tick, purpose),
      spawn(kind) {
        const i = z.header[HEADER.count] + z.header[HEADER.staged];
        if (i >= z.capacity) throw new SpawnOverflowError(zoneId);
        for (const f of fields) {
          if (f.width === 1) f.arr[i] = 0;
          else f.arr.fill(0, i * f.width, (i + 1) * f.width);
        }
        kindF[i] = kind;
        z.header[HEADER.staged]++;
        return i;
      },
      despawn(i) {
        if (flags[i] & (FLAG.removed | FLAG.migrating)) return;
        flags[i] |= FLAG.removed;
        result.despawn.push(i);
      },
      migrate(i, toZone) {
        if (flags[i] & (FLAG.removed | FLAG.migrating)) return;
        flags[i] |= FLAG.migrating;
        result.migrate.push(i, toZone);
      },
      emit(kind, entity, data) {
        result.events.push(
          data === undefined
            ? { tick, zone: zoneId, kind, entity }
            : { tick, zone: zoneId, kind, entity, data },
        );
      },
      metric(key, value, species = '') {
        result.metrics.push({ tick, zone: zoneId, species, key, value });
      },
    };
    body(ctx);
    result.staged = z.header[HEADER.staged];
    return result;
  }
}

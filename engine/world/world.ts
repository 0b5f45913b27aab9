import { seedToU32 } from '../rng/rng.ts';
import { buildLayout, bytesPerEntity, FLAG, HEADER } from '../zone/layout.ts';
import type { FieldSpec, ZoneLayout } from '../zone/layout.ts';
import { allocateZoneBuffers, growZoneBuffers, ZoneViews } from '../zone/zone.ts';
import type { ZoneBuffers, ZoneGeometry } from '../zone/zone.ts';
import { hashZones } from './hash.ts';
import type { ZonePool } from './pool.ts';
import type { MetricSample, SimEvent, SimInput, SystemUse, WorldEdge, WorldGeometry } from './system.ts';
import { loadSystemRegistry, resolveSystems, SpawnOverflowError, ZoneRuntime } from './zone-runtime.ts';
import type { WorldConfig, ZoneStepResult } from './zone-runtime.ts';
import type { ZoneTaskAnswer } from './lane.ts';

/** How to lay out the world: a grid of equal zones, each with a uniform spatial grid. */
export interface WorldLayoutOptions {
  zonesX: number;
  zonesY: number;
  zoneWidthM: number;
  zoneHeightM: number;
  cellM: number;
  edge?: WorldEdge;
  /** Biome per zone (index = zone id), cycled when shorter. Default all 'plains'. */
  biomes?: string[];
}

/** Options for creating a world. */
export interface WorldOptions {
  seed: number | string;
  /** Ticks per second (simulation time). Default 20. */
  tickRate?: number;
  layout: WorldLayoutOptions;
  /** Systems in step order. */
  systems: SystemUse[];
  /** Module URLs whose `systems` export adds systems (ecology, combat). */
  plugins?: string[];
  /** Worker threads; 0 steps zones inline on this thread. Default 0. */
  workers?: number;
  /** Initial entity capacity per zone (grows as needed). Default 1024. */
  initialCapacity?: number;
  /**
   * How long an idle worker polls for the next tick before it sleeps, in µs. Default 250: headless ticks
   * follow each other within that and start without a wake-up; a real-time server whose main thread needs
   * the cores between ticks can set 0.
   */
  workerSpinUs?: number;
}

/** What one tick produced, in zone order. */
export interface TickReport {
  tick: number;
  events: SimEvent[];
  metrics: MetricSample[];
}

/**
 * A tick's report. Workers send their zones' events as one JSON string each (a string crosses threads as one
 * copy; hundreds of event objects cost the main thread a structured-clone object each, and garbage): they
 * are decoded, in zone order, the first time `events` is read — never, when nothing reads them.
 */
class Report implements TickReport {
  private decoded: SimEvent[] | null = null;
  constructor(
    readonly tick: number,
    private readonly results: readonly ZoneStepResult[],
    readonly metrics: MetricSample[],
  ) {}

  get events(): SimEvent[] {
    if (this.decoded) return this.decoded;
    const out: SimEvent[] = [];
    for (const r of this.results) {
      const list = r.eventsJson !== undefined ? (JSON.parse(r.eventsJson) as SimEvent[]) : r.events;
      for (const e of list) out.push(e);
    }
    return (this.decoded = out);
  }
}

/** A tick that failed: the world stays at the last good tick. */
export class TickError extends Error {
  constructor(
    readonly zoneId: number,
    readonly tick: number,
    detail: string,
    readonly causeStack?: string,
  ) {
    super(`tick ${tick} failed in zone ${zoneId}: ${detail} (world left at tick ${tick - 1})`);
    this.name = 'TickError';
  }
}

/** Builds the zone geometries for a layout. */
export function buildGeometry(o: WorldLayoutOptions): WorldGeometry {
  const zones: ZoneGeometry[] = [];
  const biomes = o.biomes && o.biomes.length > 0 ? o.biomes : ['plains'];
  for (let zy = 0; zy < o.zonesY; zy++)
    for (let zx = 0; zx < o.zonesX; zx++) {
      const id = zy * o.zonesX + zx;
      zones.push({
        id,
        x0: zx * o.zoneWidthM,
        y0: zy * o.zoneHeightM,
        widthM: o.zoneWidthM,
        heightM: o.zoneHeightM,
        cellM: o.cellM,
        cellsX: Math.ceil(o.zoneWidthM / o.cellM),
        cellsY: Math.ceil(o.zoneHeightM / o.cellM),
        biome: biomes[id % biomes.length],
      });
    }
  return {
    widthM: o.zonesX * o.zoneWidthM,
    heightM: o.zonesY * o.zoneHeightM,
    zonesX: o.zonesX,
    zonesY: o.zonesY,
    edge: o.edge ?? 'bounce',
    zones,
  };
}

const MAX_OVERFLOW_RETRIES = 16;

/**
 * A deterministic world of zones. Each tick every zone steps (in parallel on the pool, or inline), then
 * the barrier applies spawns, despawns and migrations in zone order. Same seed ⇒ same hash at every tick,
 * whatever the number of workers. A failing tick leaves the world at the last good tick.
 */
export class World {
  tick = 0;
  zones: ZoneViews[];
  private nextId = 1;
  private inputs: SimInput[][];

  private constructor(
    readonly config: WorldConfig,
    private readonly runtime: ZoneRuntime,
    private readonly pool: ZonePool | null,
    zones: ZoneViews[],
  ) {
    this.zones = zones;
    this.inputs = zones.map(() => []);
  }

  /** Creates a world, populates it (systems' init at tick 0) and starts its worker pool. */
  static async create(opts: WorldOptions): Promise<World> {
    const plugins = opts.plugins ?? [];
    const registry = await loadSystemRegistry(plugins);
    const uses = resolveSystems(registry, opts.systems);
    const entity: FieldSpec[] = [];
    const cell: FieldSpec[] = [];
    const scalars: string[] = [];
    for (const { def, params } of uses) {
      entity.push(...(def.fields ?? []));
      cell.push(...(def.cellFields ?? []));
      scalars.push(...(def.scalars ?? []));
      const extra = def.layoutFor?.(params);
      if (extra) {
        entity.push(...(extra.fields ?? []));
        cell.push(...(extra.cellFields ?? []));
        scalars.push(...(extra.scalars ?? []));
      }
    }
    const layout: ZoneLayout = buildLayout({ entity, cell, scalars });
    const geometry = buildGeometry(opts.layout);
    const tickRate = opts.tickRate ?? 20;
    if (!(tickRate > 0)) throw new Error(`tickRate must be positive, got ${tickRate}`);
    const config: WorldConfig = {
      seed: seedToU32(opts.seed),
      tickRate,
      geometry,
      systems: opts.systems,
      plugins,
      layout,
    };
    const runtime = new ZoneRuntime(config, registry);
    const capacity = Math.max(16, opts.initialCapacity ?? 1024);
    const zones = geometry.zones.map(
      (g) => new ZoneViews(layout, g, allocateZoneBuffers(layout, g, capacity)),
    );
    const workers = opts.workers ?? 0;
    // Loaded only for a pooled world: inline worlds (every sweep job) never load piscina.
    const pool =
      workers > 0
        ? await (await import('./pool.ts')).ZonePool.create(config, workers, opts.workerSpinUs ?? 250)
        : null;
    const world = new World(config, runtime, pool, zones);
    world.populate();
    return world;
  }

  /** Live agents in all zones. */
  get agents(): number {
    let n = 0;
    for (const z of this.zones) n += z.count;
    return n;
  }

  get workers(): number {
    return this.pool?.threads ?? 0;
  }

  /** Bytes of entity state per agent (declared fields; genomes included if a system declares them). */
  get bytesPerAgent(): number {
    return bytesPerEntity(this.config.layout);
  }

  /** Bytes allocated for all zone buffers (state, backup and grid), divided by live agents. */
  get bytesAllocatedPerAgent(): number {
    let total = 0;
    for (const z of this.zones)
      total += z.buffers.state.byteLength + z.buffers.backup.byteLength + z.buffers.grid.byteLength;
    return total / Math.max(1, this.agents);
  }

  /** A hash of all zone state at the current tick. */
  hash(): string {
    return hashZones(this.zones, this.tick);
  }

  private populate(): void {
    for (let zi = 0; zi < this.zones.length; zi++) {
      for (let attempt = 0; ; attempt++) {
        const z = this.zones[zi];
        try {
          z.header[HEADER.staged] = 0;
          const r = this.runtime.initZone(z);
          this.barrier([r]);
          break;
        } catch (err) {
          if (!(err instanceof SpawnOverflowError) || attempt >= MAX_OVERFLOW_RETRIES) throw err;
          z.header[HEADER.staged] = 0;
          this.replaceBuffers(z.geometry.id, growZoneBuffers(z, z.capacity * 2));
        }
      }
    }
  }

  private replaceBuffers(zoneId: number, buffers: ZoneBuffers): void {
    this.zones[zoneId] = new ZoneViews(this.config.layout, this.config.geometry.zones[zoneId], buffers);
  }

  // Keeps room for a tick's spawns in most cases; a zone that still overflows is grown and re-stepped.
  private ensureHeadroom(): void {
    for (const z of this.zones) {
      const want = Math.ceil(z.count * 1.25) + 64;
      if (want > z.capacity)
        this.replaceBuffers(z.geometry.id, growZoneBuffers(z, Math.max(want, z.capacity * 2)));
    }
  }

  /** Steps every zone one tick and applies the barrier; on failure restores the last good tick and throws. */
  async step(): Promise<TickReport> {
    const tick = this.tick + 1;
    this.ensureHeadroom();
    const inputs = this.inputs;
    this.inputs = this.zones.map(() => []);
    const answers = await this.dispatch(tick, inputs);
    const results: ZoneStepResult[] = [];
    let failure: TickError | null = null;
    for (let zi = 0; zi < answers.length; zi++) {
      let a = answers[zi];
      for (
        let attempt = 0;
        !a.ok && a.name === 'SpawnOverflowError' && attempt < MAX_OVERFLOW_RETRIES;
        attempt++
      ) {
        const z = this.zones[zi];
        this.restoreZone(z, tick);
        this.replaceBuffers(zi, growZoneBuffers(z, z.capacity * 2));
        a = this.stepInline(zi, tick, inputs[zi]);
      }
      if (a.ok) results.push(a.result);
      else failure ??= new TickError(a.zoneId, a.tick, `${a.name}: ${a.message}`, a.stack);
    }
    if (failure) {
      this.restoreAll(tick);
      this.requeue(inputs);
      throw failure;
    }
    const idBefore = this.nextId;
    const buffersBefore = this.zones.map((z) => z.buffers);
    try {
      this.barrier(results);
    } catch (err) {
      this.nextId = idBefore;
      buffersBefore.forEach((b, zi) => {
        if (this.zones[zi].buffers !== b) this.replaceBuffers(zi, b);
      });
      this.restoreAll(tick);
      this.requeue(inputs);
      const e = err instanceof Error ? err : new Error(String(err));
      throw new TickError(-1, tick, `barrier: ${e.message}`, e.stack);
    }
    this.tick = tick;
    const metrics: MetricSample[] = [];
    for (const r of results) for (const m of r.metrics) metrics.push(m);
    return new Report(tick, results, metrics);
  }

  private async dispatch(tick: number, inputs: SimInput[][]): Promise<ZoneTaskAnswer[]> {
    const pool = this.pool;
    if (!pool) return this.zones.map((_, zi) => this.stepInline(zi, tick, inputs[zi]));
    // Largest zones first, so the tick ends with the least idle time; every lane claims zones from the
    // same order until none is left.
    const order = this.zones
      .map((_, zi) => zi)
      .sort((a, b) => this.zones[b].count - this.zones[a].count || a - b);
    const { answers, lost } = await pool.runTick({
      tick,
      order,
      buffers: this.zones.map((z) => z.buffers),
      inputs,
    });
    const byZone = new Array<ZoneTaskAnswer | undefined>(this.zones.length);
    for (const a of answers) byZone[a.ok ? a.result.zoneId : a.zoneId] = a;
    // A zone nobody answered for: the worker that claimed it died (the tick fails and every zone that
    // started stepping is restored).
    // (Array.from, not map: map skips the holes of a sparse array.)
    const why = lost ?? 'a worker stopped before stepping this zone';
    return Array.from(
      byZone,
      (a, zi) => a ?? { ok: false as const, zoneId: zi, tick, name: 'WorkerError', message: why },
    );
  }

  private stepInline(zi: number, tick: number, inputs: SimInput[]): ZoneTaskAnswer {
    try {
      return { ok: true, result: this.runtime.stepZone(this.zones[zi], tick, inputs) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return { ok: false, zoneId: zi, tick, name: e.name, message: e.message, stack: e.stack };
    }
  }

  // Only zones whose backup holds this tick's starting state are restored; a zone that never started
  // stepping was not touched.
  private restoreZone(z: ZoneViews, tick: number): void {
    if (z.backupHeader[HEADER.backupTick] === tick) z.restore();
    z.backupHeader[HEADER.backupTick] = -1;
  }

  private restoreAll(tick: number): void {
    for (const z of this.zones) this.restoreZone(z, tick);
  }

  /**
   * Applies queued changes in a fixed order: staged spawns get ids (zone order, index order); migrants
   * are copied to their target zones (source zone order, queue order); despawned and departed entities
   * are swap-removed (highest index first).
   */
  private barrier(results: readonly ZoneStepResult[]): void {
    for (const r of results) {
      const z = this.zones[r.zoneId];
      const id = z.u32('id');
      const from = z.header[HEADER.count];
      const to = from + r.staged;
      for (let i = from; i < to; i++) id[i] = this.nextId++;
      z.header[HEADER.count] = to;
      z.header[HEADER.staged] = 0;
    }
    // Incoming migrants per target zone, then grow targets that need room before copying anything.
    const incoming = new Map<number, Array<[number, number]>>();
    for (const r of results)
      for (let k = 0; k < r.migrate.length; k += 2) {
        const target = r.migrate[k + 1];
        if (target < 0 || target >= this.zones.length)
          throw new Error(`zone ${r.zoneId} migrated entity to unknown zone ${target}`);
        let list = incoming.get(target);
        if (!list) incoming.set(target, (list = []));
        list.push([r.zoneId, r.migrate[k]]);
      }
    for (const [target, list] of incoming) {
      const z = this.zones[target];
      if (z.count + list.length > z.capacity)
        this.replaceBuffers(target, growZoneBuffers(z, Math.max(z.capacity * 2, z.count + list.length + 64)));
    }
    const targets = [...incoming.keys()].sort((a, b) => a - b);
    for (const target of targets) {
      const dst = this.zones[target];
      const dflags = dst.u8('flags');
      for (const [src, index] of incoming.get(target)!) {
        const s = this.zones[src];
        const j = dst.header[HEADER.count]++;
        const from = s.fieldList;
        const to = dst.fieldList;
        for (let f = 0; f < to.length; f++) {
          const w = to[f].width;
          if (w === 1) to[f].arr[j] = from[f].arr[index];
          else to[f].arr.set(from[f].arr.subarray(index * w, index * w + w), j * w);
        }
        dflags[j] &= ~FLAG.migrating;
      }
    }
    for (const r of results) {
      if (r.despawn.length === 0 && r.migrate.length === 0) continue;
      const z = this.zones[r.zoneId];
      const gone = new Int32Array(r.despawn.length + r.migrate.length / 2);
      gone.set(r.despawn);
      for (let k = 0, g = r.despawn.length; k < r.migrate.length; k += 2) gone[g++] = r.migrate[k];
      gone.sort();
      const fields = z.fieldList;
      let prev = -1;
      // Highest index first: the row swapped in from the end is never one still to remove.
      for (let k = gone.length - 1; k >= 0; k--) {
        const i = gone[k];
        if (i === prev) continue;
        prev = i;
        const last = --z.header[HEADER.count];
        if (i !== last)
          for (const f of fields) {
            const w = f.width;
            if (w === 1) f.arr[i] = f.arr[last];
            else f.arr.copyWithin(i * w, last * w, last * w + w);
          }
      }
    }
  }

  /** Queues an input for a zone; it is delivered to that zone's systems at the start of the next tick. */
  queueInput(zoneId: number, input: SimInput): void {
    if (!(zoneId >= 0 && zoneId < this.zones.length)) throw new Error(`no zone ${zoneId}`);
    this.inputs[zoneId].push(input);
  }

  /** Where the entity with a stable id is now (a linear scan: for tests, tools and rare look-ups). */
  findEntity(id: number): { zone: number; index: number } | null {
    for (const z of this.zones) {
      const ids = z.u32('id');
      for (let i = 0, n = z.count; i < n; i++) if (ids[i] === id) return { zone: z.geometry.id, index: i };
    }
    return null;
  }

  // A failed tick's inputs go back in front of anything queued since, so a retry sees them again.
  private requeue(inputs: SimInput[][]): void {
    this.inputs = inputs.map((list, zi) => [...list, ...this.inputs[zi]]);
  }

  /** Stops the worker pool. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

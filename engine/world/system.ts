import type { Rng } from '../rng/rng.ts';
import type { FieldSpec } from '../zone/layout.ts';
import type { ZoneGeometry, ZoneViews } from '../zone/zone.ts';

/** What agents do at the world's outer edge: bounce back, stop, or wrap around (a torus). */
export type WorldEdge = 'bounce' | 'stop' | 'wrap';

/** World-level geometry: zones tile a rectangle as a `zonesX × zonesY` grid of equal rectangles. */
export interface WorldGeometry {
  widthM: number;
  heightM: number;
  zonesX: number;
  zonesY: number;
  /** What happens at the world's outer edge: agents bounce back or stop. */
  edge: WorldEdge;
  /** Zone geometries, index = zone id. */
  zones: ZoneGeometry[];
}

/** Zone id holding a world position (clamped into the world). */
export function zoneAt(world: WorldGeometry, x: number, y: number): number {
  const zw = world.widthM / world.zonesX;
  const zh = world.heightM / world.zonesY;
  let zx = Math.floor(x / zw);
  let zy = Math.floor(y / zh);
  zx = zx < 0 ? 0 : zx >= world.zonesX ? world.zonesX - 1 : zx;
  zy = zy < 0 ? 0 : zy >= world.zonesY ? world.zonesY - 1 : zy;
  return zy * world.zonesX + zx;
}

/** One event for the lab's log and the network's event stream. */
export interface SimEvent {
  tick: number;
  zone: number;
  kind: string;
  entity: number;
  data?: Record<string, unknown>;
}

/** One metric sample (per zone; `species` empty when not per species). */
export interface MetricSample {
  tick: number;
  zone: number;
  species: string;
  key: string;
  value: number;
}

/**
 * An intent from outside the simulation (a player's input, a console command, a bot's action), queued for
 * one zone and delivered at the start of the next tick, in queue order. `entity` is the stable id of the
 * entity it concerns (0 for none).
 */
export interface SimInput {
  kind: string;
  entity: number;
  [field: string]: unknown;
}

/** What a system sees while it steps one zone for one tick. */
export interface StepContext {
  readonly zone: ZoneViews;
  readonly world: WorldGeometry;
  readonly tick: number;
  /** The world seed as u32. */
  readonly seed: number;
  /** Seconds per tick. */
  readonly dt: number;
  /** Ticks per second. */
  readonly tickRate: number;
  /** Inputs queued for this zone before this tick, in queue order (the same for every system). */
  // Systems earlier in the order may add inputs for later ones (in-process bots do).
  readonly inputs: SimInput[];
  /** A seeded stream for (seed, zone, tick, purpose). */
  rng(purpose: string): Rng;
  /** Stages a new entity (zeroed fields, kind set) and returns its index; its id is assigned at the barrier. */
  spawn(kind: number): number;
  /** Marks an entity for removal at the barrier (its fields stay readable this tick). */
  despawn(index: number): void;
  /** Marks an entity to move to another zone at the barrier. */
  migrate(index: number, toZone: number): void;
  /** Records an event (kept in zone order, then emission order). */
  emit(kind: string, entity: number, data?: Record<string, unknown>): void;
  /** Records a metric sample for this zone and tick. */
  metric(key: string, value: number, species?: string): void;
}

/**
 * A system: data it needs in the zone layout plus a step function. Plugins (ecology, combat) export
 * lists of these; scenarios pick and order them by name. `P` is the system's params type.
 */
export interface SystemDef<P = Record<string, unknown>> {
  name: string;
  /** Per-entity fields the system needs. */
  fields?: readonly FieldSpec[];
  /** Per-grid-cell fields the system needs. */
  cellFields?: readonly FieldSpec[];
  /** Named f64 zone scalars the system needs. */
  scalars?: readonly string[];
  /**
   * Whether the system reads the spatial grid (default true): the runtime rebuilds the grid before it
   * when positions may have changed since the last build.
   */
  readsGrid?: boolean;
  /** Whether the system moves entities (invalidating the grid for later systems). Default false. */
  movesEntities?: boolean;
  /** Adds to the layout according to params (e.g. a genome width from the species list). */
  layoutFor?(params: P): { fields?: FieldSpec[]; cellFields?: FieldSpec[]; scalars?: string[] };
  /** Populates the zone at tick 0 (spawns, cell fields). Runs once per zone, in zone order. */
  init?(ctx: StepContext, params: P): void;
  /** Steps one zone for one tick. */
  step(ctx: StepContext, params: P): void;
}

/** A system picked by a scenario: its name and params. */
export interface SystemUse {
  use: string;
  params?: Record<string, unknown>;
}

/** A module that provides systems; worker threads import plugins by URL to find them. */
export interface SystemPlugin {
  systems: readonly SystemDef<never>[];
}

/** Typed-array constructors a zone field may use, by short name. */
export const FIELD_ARRAYS = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;

/** Short name of a field's element type. */
export type FieldType = keyof typeof FIELD_ARRAYS;

/** Any typed array a field view can be. */
export type FieldArray =
  Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A field declared by the engine or a system: one value (or `width` values) per entity or per grid cell. */
export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Values per entity (or cell), e.g. 2 × loci for a diploid genome. Default 1. */
  width?: number;
}

/** A field with its place in the zone's state buffer. */
export interface ResolvedField {
  name: string;
  type: FieldType;
  width: number;
  bytesPerElement: number;
}

/**
 * Entity kinds the engine knows. Ecology and combat refine them with the `type` field (species id, enemy
 * type id, skill id).
 */
export const ENTITY_KIND = {
  none: 0,
  wanderer: 1,
  player: 2,
  enemy: 3,
  creature: 4,
  projectile: 5,
  pickup: 6,
} as const;

/** Bits of the `flags` field. */
export const FLAG = {
  /** Despawned this tick; removed at the barrier. Systems skip it. */
  removed: 1,
  /** Leaving for another zone this tick; moved at the barrier. Systems skip it. */
  migrating: 2,
  /** Dead but still in the world (a player waiting to respawn). */
  dead: 4,
} as const;

/**
 * Core per-entity fields (32 bytes): stable id, kind, flags, type (species / enemy type / skill),
 * position and velocity in world metres, hit points and owner id.
 */
export const CORE_FIELDS: readonly FieldSpec[] = [
  { name: 'id', type: 'u32' },
  { name: 'kind', type: 'u8' },
  { name: 'flags', type: 'u8' },
  { name: 'type', type: 'u16' },
  { name: 'x', type: 'f32' },
  { name: 'y', type: 'f32' },
  { name: 'vx', type: 'f32' },
  { name: 'vy', type: 'f32' },
  { name: 'hp', type: 'f32' },
  { name: 'owner', type: 'u32' },
];

/** Slots of the Int32 header at the start of every zone state buffer. */
export const HEADER = {
  /** Live entities at indices [0, count). */
  count: 0,
  /** Entities spawned during the current tick, staged at [count, count + staged). */
  staged: 1,
  /** In a backup buffer: the tick whose starting state it holds. */
  backupTick: 2,
  size: 8,
} as const;

/**
 * The shape of every zone's state: entity fields, cell fields and named f64 scalars. Built once per world
 * from the core fields and the fields each system declares; identical for every zone.
 */
export interface ZoneLayout {
  entity: ResolvedField[];
  cell: ResolvedField[];
  scalars: string[];
}

/** Merges field declarations (core first, then systems in order); a name declared twice must agree. */
export function buildLayout(parts: {
  entity: readonly FieldSpec[];
  cell: readonly FieldSpec[];
  scalars: readonly string[];
}): ZoneLayout {
  const resolve = (specs: readonly FieldSpec[], what: string): ResolvedField[] => {
    const byName = new Map<string, ResolvedField>();
    for (const s of specs) {
      const width = s.width ?? 1;
      if (!Number.isInteger(width) || width < 1)
        throw new Error(`${what} field '${s.name}': width must be a positive integer`);
      const prev = byName.get(s.name);
      if (prev) {
        if (prev.type !== s.type || prev.width !== width)
          throw new Error(
            `${what} field '${s.name}' declared twice with different types (${prev.type}×${prev.width} vs ${s.type}×${width})`,
          );
        continue;
      }
      byName.set(s.name, {
        name: s.name,
        type: s.type,
        width,
        bytesPerElement: FIELD_ARRAYS[s.type].BYTES_PER_ELEMENT,
      });
    }
    return [...byName.values()];
  };
  return {
    entity: resolve([...CORE_FIELDS, ...parts.entity], 'entity'),
    cell: resolve(parts.cell, 'cell'),
    scalars: [...new Set(parts.scalars)],
  };
}

/** Bytes of entity state per agent for a layout (the figure the benchmarks report). */
export function bytesPerEntity(layout: ZoneLayout): number {
  return layout.entity.reduce((s, f) => s + f.width * f.bytesPerElement, 0);
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Byte offsets of each part of a zone state buffer for a given capacity and cell count. */
export interface StateOffsets {
  header: number;
  scalars: number;
  cell: number[];
  entity: number[];
  totalBytes: number;
}

/** Computes where each field lives in a zone's single state buffer. */
export function stateOffsets(layout: ZoneLayout, capacity: number, cells: number): StateOffsets {
  let at = 0;
  const header = at;
  at = align8(at + HEADER.size * 4);
  const scalars = at;
  at = align8(at + layout.scalars.length * 8);
  const cell = layout.cell.map((f) => {
    const off = at;
    at = align8(at + cells * f.width * f.bytesPerElement);
    return off;
  });
  const entity = layout.entity.map((f) => {
    const off = at;
    at = align8(at + capacity * f.width * f.bytesPerElement);
    return off;
  });
  return { header, scalars, cell, entity, totalBytes: at };
}

import { FIELD_ARRAYS, HEADER, stateOffsets } from './layout.ts';
import type { FieldArray, ResolvedField, ZoneLayout } from './layout.ts';

/** A zone's rectangle in world metres and its uniform grid. */
export interface ZoneGeometry {
  id: number;
  x0: number;
  y0: number;
  widthM: number;
  heightM: number;
  cellM: number;
  cellsX: number;
  cellsY: number;
  /** Biome name, for systems and assets that care (e.g. grass regrowth). */
  biome: string;
}

/**
 * The shared buffers behind one zone. `state` holds everything a tick may change (header, scalars, cell
 * and entity fields) so that one copy backs it up; `grid` holds derived index arrays rebuilt each tick;
 * `backup` holds the state at the start of the tick being stepped. Replaced (generation + 1) when the
 * capacity grows.
 */
export interface ZoneBuffers {
  generation: number;
  capacity: number;
  state: SharedArrayBuffer;
  grid: SharedArrayBuffer;
  backup: SharedArrayBuffer;
}

/** Bytes of the grid buffer: cellStart (cells + 1), cellOf and order (capacity each), all Int32. */
function gridBytes(capacity: number, cells: number): number {
  return (cells + 1 + 2 * capacity) * 4;
}

/** Allocates zeroed buffers for a zone. */
export function allocateZoneBuffers(
  layout: ZoneLayout,
  geometry: ZoneGeometry,
  capacity: number,
  generation = 0,
): ZoneBuffers {
  const cells = geometry.cellsX * geometry.cellsY;
  const { totalBytes } = stateOffsets(layout, capacity, cells);
  return {
    generation,
    capacity,
    state: new SharedArrayBuffer(totalBytes),
    grid: new SharedArrayBuffer(gridBytes(capacity, cells)),
    backup: new SharedArrayBuffer(totalBytes),
  };
}

/**
 * Typed-array views over a zone's buffers: the structure-of-arrays state systems read and write. Field
 * `f[name]` of width w stores entity i's lanes at [i*w, i*w + w).
 */
export class ZoneViews {
  readonly header: Int32Array;
  readonly scalars: Float64Array;
  readonly f: Record<string, FieldArray> = {};
  readonly cellf: Record<string, FieldArray> = {};
  /** Grid: entities of cell c are order[cellStart[c] .. cellStart[c+1]). */
  readonly cellStart: Int32Array;
  readonly cellOf: Int32Array;
  readonly order: Int32Array;
  readonly stateBytes: Uint8Array;
  readonly backupBytes: Uint8Array;
  readonly backupHeader: Int32Array;
  readonly cells: number;
  /** Entity fields in layout order with their views, for loops over every field (spawn, copy, remove). */
  readonly fieldList: Array<{
    name: string;
    arr: FieldArray;
    width: number;
    bytes: number;
    byteOffset: number;
  }>;
  /** Bytes of the state buffer before the first entity field (header, scalars, cell fields). */
  readonly fixedBytes: number;
  private readonly scalarIndex = new Map<string, number>();

  constructor(
    readonly layout: ZoneLayout,
    readonly geometry: ZoneGeometry,
    readonly buffers: ZoneBuffers,
  ) {
    const cells = geometry.cellsX * geometry.cellsY;
    this.cells = cells;
    const cap = buffers.capacity;
    const off = stateOffsets(layout, cap, cells);
    const s = buffers.state;
    this.header = new Int32Array(s, off.header, HEADER.size);
    this.scalars = new Float64Array(s, off.scalars, layout.scalars.length);
    layout.scalars.forEach((name, i) => this.scalarIndex.set(name, i));
    layout.cell.forEach((fld, i) => (this.cellf[fld.name] = view(fld, s, off.cell[i], cells)));
    layout.entity.forEach((fld, i) => (this.f[fld.name] = view(fld, s, off.entity[i], cap)));
    this.fieldList = layout.entity.map((fld, i) => ({
      name: fld.name,
      arr: this.f[fld.name],
      width: fld.width,
      bytes: fld.width * fld.bytesPerElement,
      byteOffset: off.entity[i],
    }));
    this.fixedBytes = off.entity.length > 0 ? off.entity[0] : off.totalBytes;
    this.cellStart = new Int32Array(buffers.grid, 0, cells + 1);
    this.cellOf = new Int32Array(buffers.grid, (cells + 1) * 4, cap);
    this.order = new Int32Array(buffers.grid, (cells + 1 + cap) * 4, cap);
    this.stateBytes = new Uint8Array(s);
    this.backupBytes = new Uint8Array(buffers.backup);
    this.backupHeader = new Int32Array(buffers.backup, off.header, HEADER.size);
  }

  /** Live entities. */
  get count(): number {
    return this.header[HEADER.count];
  }

  get capacity(): number {
    return this.buffers.capacity;
  }

  /**
   * Copies the state a tick may change into the backup buffer: header, scalars, cell fields and the live
   * rows of each entity field (rows past the count are scratch; spawns zero them before use).
   */
  backup(): void {
    const live = this.header[HEADER.count];
    const b = this.backupBytes;
    const s = this.stateBytes;
    b.set(s.subarray(0, this.fixedBytes));
    for (const f of this.fieldList)
      b.set(s.subarray(f.byteOffset, f.byteOffset + live * f.bytes), f.byteOffset);
  }

  /** Puts the backed-up state back (the whole buffer: anything past the live rows is scratch). */
  restore(): void {
    this.stateBytes.set(this.backupBytes);
  }

  /** A Float32 field by name (throws if it is not one: catches layout mistakes at set-up, not in loops). */
  f32(name: string): Float32Array {
    return typed(this.f, name, Float32Array);
  }
  u32(name: string): Uint32Array {
    return typed(this.f, name, Uint32Array);
  }
  i32(name: string): Int32Array {
    return typed(this.f, name, Int32Array);
  }
  u16(name: string): Uint16Array {
    return typed(this.f, name, Uint16Array);
  }
  u8(name: string): Uint8Array {
    return typed(this.f, name, Uint8Array);
  }
  /** A per-cell field by name. */
  cell<T extends FieldArray>(name: string): T {
    const a = this.cellf[name];
    if (!a) throw new Error(`zone ${this.geometry.id}: no cell field '${name}'`);
    return a as T;
  }
  /** Index of a named zone scalar in `scalars`. */
  scalar(name: string): number {
    const i = this.scalarIndex.get(name);
    if (i === undefined) throw new Error(`zone ${this.geometry.id}: no scalar '${name}'`);
    return i;
  }

  /** Grid cell of a world position (clamped into the zone). */
  cellAt(x: number, y: number): number {
    const g = this.geometry;
    let cx = Math.floor((x - g.x0) / g.cellM);
    let cy = Math.floor((y - g.y0) / g.cellM);
    if (cx < 0) cx = 0;
    else if (cx >= g.cellsX) cx = g.cellsX - 1;
    if (cy < 0) cy = 0;
    else if (cy >= g.cellsY) cy = g.cellsY - 1;
    return cy * g.cellsX + cx;
  }
}

function view(fld: ResolvedField, buf: SharedArrayBuffer, offset: number, rows: number): FieldArray {
  const Ctor = FIELD_ARRAYS[fld.type] as unknown as new (
    b: SharedArrayBuffer,
    offset: number,
    length: number,
  ) => FieldArray;
  return new Ctor(buf, offset, rows * fld.width);
}

function typed<T extends FieldArray>(
  fields: Record<string, FieldArray>,
  name: string,
  ctor: { new (n: number): T; name: string },
): T {
  const a = fields[name];
  if (!a) throw new Error(`no entity field '${name}'`);
  if (!(a instanceof ctor)) throw new Error(`entity field '${name}' is not a ${ctor.name}`);
  return a as T;
}

/**
 * New buffers with a larger capacity holding the same live state (used at the barrier, when no worker is
 * stepping the zone). Cell fields, scalars and header are copied as they are.
 */
export function growZoneBuffers(old: ZoneViews, capacity: number): ZoneBuffers {
  const buffers = allocateZoneBuffers(old.layout, old.geometry, capacity, old.buffers.generation + 1);
  const next = new ZoneViews(old.layout, old.geometry, buffers);
  next.header.set(old.header);
  next.scalars.set(old.scalars);
  for (const fld of old.layout.cell) next.cellf[fld.name].set(old.cellf[fld.name]);
  const live = old.count + old.header[HEADER.staged];
  for (const fld of old.layout.entity) next.f[fld.name].set(old.f[fld.name].subarray(0, live * fld.width));
  return buffers;
}

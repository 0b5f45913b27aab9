import type { ZoneViews } from '../zone/zone.ts';
import { FLAG } from '../zone/layout.ts';

// Snapshots with interest management and per-cell delta encoding. Each tick the server encodes every grid
// cell's entities once (a chunk per cell, with a content hash); a client's snapshot lists the cells in its
// area of interest, sending a chunk only when the cell changed since the snapshot the client acknowledged
// (a ring of baselines, as in Quake 3), and a 5-byte "unchanged" reference otherwise. Per-client cost is
// proportional to its cells, not its entities.

/** Metres per position unit: positions are sent as u16 sixteenths of a metre from the zone origin. */
export const POSITION_SCALE = 16;
/** Baselines kept per client; an ack older than this gets a full snapshot. */
export const BASELINE_RING = 32;

const CELL_FULL = 1;
const CELL_SAME = 2;

/** One tick's encoded cells. */
export interface CellFrame {
  tick: number;
  cellsX: number;
  chunks: Uint8Array[];
  hashes: Uint32Array;
}

// FNV-1a over a chunk: equal chunks mean an unchanged cell.
function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/** Encodes every cell of a zone once (entities in grid order: the grid must be fresh for this tick). */
export function encodeCells(z: ZoneViews, tick: number): CellFrame {
  const g = z.geometry;
  const id = z.u32('id');
  const kind = z.u8('kind');
  const type = z.u16('type');
  const flags = z.u8('flags');
  const x = z.f32('x');
  const y = z.f32('y');
  const hp = z.f32('hp');
  const chunks: Uint8Array[] = new Array(z.cells);
  const hashes = new Uint32Array(z.cells);
  const tmp = new Uint8Array(12 * 256);
  const dv = new DataView(tmp.buffer);
  for (let c = 0; c < z.cells; c++) {
    let at = 0;
    let buf = tmp;
    let view = dv;
    for (let s = z.cellStart[c], e = z.cellStart[c + 1]; s < e; s++) {
      const i = z.order[s];
      if (flags[i] & (FLAG.removed | FLAG.migrating)) continue;
      if (at + 12 > buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
        view = new DataView(bigger.buffer);
      }
      view.setUint32(at, id[i], true);
      view.setUint8(at + 4, kind[i]);
      view.setUint8(at + 5, flags[i] & FLAG.dead ? 1 : 0);
      view.setUint16(at + 6, Math.min(65535, Math.max(0, Math.round((x[i] - g.x0) * POSITION_SCALE))), true);
      view.setUint16(at + 8, Math.min(65535, Math.max(0, Math.round((y[i] - g.y0) * POSITION_SCALE))), true);
      view.setUint8(at + 10, Math.min(255, Math.max(0, Math.round(hp[i]))));
      view.setUint8(at + 11, type[i] & 0xff);
      at += 12;
    }
    chunks[c] = buf.slice(0, at);
    hashes[c] = hashBytes(chunks[c]) ^ at;
  }
  return { tick, cellsX: g.cellsX, chunks, hashes };
}

/** The cells within `radiusCells` of a position's cell (a square area of interest). */
export function interestCells(z: ZoneViews, px: number, py: number, radiusCells: number): number[] {
  const g = z.geometry;
  const c = z.cellAt(px, py);
  const cx = c % g.cellsX;
  const cy = Math.floor(c / g.cellsX);
  const out: number[] = [];
  for (let yy = Math.max(0, cy - radiusCells); yy <= Math.min(g.cellsY - 1, cy + radiusCells); yy++)
    for (let xx = Math.max(0, cx - radiusCells); xx <= Math.min(g.cellsX - 1, cx + radiusCells); xx++)
      out.push(yy * g.cellsX + xx);
  return out;
}

/** What the server remembers per client: the cell hashes of the snapshots it sent, by tick. */
export class ClientBaselines {
  private readonly ring = new Map<number, Map<number, number>>();
  private acked = -1;

  /** The client acknowledged a snapshot (it now holds that state). */
  ack(tick: number): void {
    if (this.ring.has(tick) && tick > this.acked) this.acked = tick;
  }

  /**
   * Encodes this tick's snapshot for the client: its cells, each either the full chunk or a reference to
   * the acknowledged baseline. A client that acked nothing (or too long ago) gets full cells.
   */
  encode(frame: CellFrame, cells: readonly number[]): Uint8Array {
    const base = this.acked >= 0 ? this.ring.get(this.acked) : undefined;
    let size = 8;
    const full: boolean[] = cells.map((c) => !base || base.get(c) !== frame.hashes[c]);
    cells.forEach((c, k) => (size += 5 + (full[k] ? 2 + frame.chunks[c].length : 0)));
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, frame.tick, true);
    dv.setUint32(4, base ? this.acked : 0xffffffff, true);
    let at = 8;
    const sent = new Map<number, number>();
    cells.forEach((c, k) => {
      dv.setUint32(at, c, true);
      out[at + 4] = full[k] ? CELL_FULL : CELL_SAME;
      at += 5;
      if (full[k]) {
        dv.setUint16(at, frame.chunks[c].length, true);
        out.set(frame.chunks[c], at + 2);
        at += 2 + frame.chunks[c].length;
      }
      sent.set(c, frame.hashes[c]);
    });
    this.ring.set(frame.tick, sent);
    for (const t of this.ring.keys()) if (t <= frame.tick - BASELINE_RING) this.ring.delete(t);
    if (this.acked >= 0 && !this.ring.has(this.acked)) this.acked = -1;
    return out;
  }
}

/** An entity as the client sees it. */
export interface SeenEntity {
  id: number;
  kind: number;
  dead: boolean;
  x: number;
  y: number;
  hp: number;
  type: number;
}

/** The client side: rebuilds the visible entities from full and delta snapshots. */
export class SnapshotClient {
  /** Cells by tick received, so a delta can be applied to the baseline it names. */
  private readonly history = new Map<number, Map<number, SeenEntity[]>>();
  entities = new Map<number, SeenEntity>();

  constructor(
    readonly x0: number,
    readonly y0: number,
  ) {}

  /** Applies a snapshot; returns its tick (to acknowledge), or an error for a frame it cannot use. */
  apply(bytes: Uint8Array): { ok: true; tick: number } | { ok: false; error: string } {
    if (bytes.length < 8) return { ok: false, error: 'short snapshot' };
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tick = dv.getUint32(0, true);
    const baseTick = dv.getUint32(4, true);
    const base = baseTick === 0xffffffff ? null : this.history.get(baseTick);
    if (baseTick !== 0xffffffff && !base) return { ok: false, error: `unknown baseline ${baseTick}` };
    const cells = new Map<number, SeenEntity[]>();
    let at = 8;
    while (at < bytes.length) {
      if (at + 5 > bytes.length) return { ok: false, error: 'truncated cell' };
      const c = dv.getUint32(at, true);
      const mode = bytes[at + 4];
      at += 5;
      if (mode === CELL_SAME) {
        const prev = base?.get(c);
        if (!prev) return { ok: false, error: `cell ${c} not in baseline` };
        cells.set(c, prev);
      } else if (mode === CELL_FULL) {
        if (at + 2 > bytes.length) return { ok: false, error: 'truncated chunk' };
        const n = dv.getUint16(at, true);
        at += 2;
        if (at + n > bytes.length || n % 12 !== 0) return { ok: false, error: 'bad chunk length' };
        const list: SeenEntity[] = [];
        for (let k = at; k < at + n; k += 12)
          list.push({
            id: dv.getUint32(k, true),
            kind: bytes[k + 4],
            dead: bytes[k + 5] === 1,
            x: this.x0 + dv.getUint16(k + 6, true) / POSITION_SCALE,
            y: this.y0 + dv.getUint16(k + 8, true) / POSITION_SCALE,
            hp: bytes[k + 10],
            type: bytes[k + 11],
          });
        cells.set(c, list);
        at += n;
      } else return { ok: false, error: `bad cell mode ${mode}` };
    }
    this.history.set(tick, cells);
    for (const t of this.history.keys()) if (t <= tick - BASELINE_RING - 1) this.history.delete(t);
    this.entities = new Map([...cells.values()].flat().map((e) => [e.id, e]));
    return { ok: true, tick };
  }
}

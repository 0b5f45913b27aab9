import { Slab } from './slab.ts';
import type { ZoneViews } from '../zone/zone.ts';
import { FLAG } from '../zone/layout.ts';
import { PROTOCOL_VERSION } from './protocol.ts';

// Snapshots with interest management and per-entity deltas, encoded once per grid cell and fanned out.
//
// Each tick the server encodes every grid cell of a zone once: the cell's entities as 13-byte records sorted
// by id (a canonical order both ends share). A client's snapshot covers a rectangle of cells around its
// character. Against the snapshot the client last acknowledged (a ring of baselines, as in Quake 3) a cell
// that did not change costs one bit; a cell that changed is sent as a per-entity delta (2 bytes for an entity
// that only moved, 10 for any other change, 13 for one that entered) or in full when that is shorter. A delta
// for (cell, baseline tick) is computed once and shared by every client acknowledging that tick, so the
// per-client cost is a walk over its cells, not its entities. A client that acked nothing gets full cells.

/** Position units per metre: positions travel as u16 sixteenths of a metre from the zone origin. */
export const POSITION_SCALE = 16;
/** Baselines kept per client; an ack older than this gets full cells. */
export const BASELINE_RING = 32;
/** Message type of a snapshot frame (after the protocol version byte). */
export const SNAPSHOT_TYPE = 69;
/** Bytes per entity record: id u32, kind u8, type u8, state bits u8, x u16, y u16, hp u16. */
export const RECORD_BYTES = 13;
/** Snapshot state bits (per entity). Bit 0 is the engine's; systems may define the others. */
export const STATE_BIT = { dead: 1, windup: 2, casting: 4, hostile: 8 } as const;

const CHUNK_FULL = 1;
const CHUNK_DELTA = 2;
const OP_KEEP = 0x00;
const OP_DROP = 0x40;
const OP_MOVE = 0x80;
const OP_UPDATE = 0xc0;
const OP_NEW = 0xc1;
const HEADER_BYTES = 21;
const EMPTY = new Uint8Array(0);

/** A function giving an entity's state bits (see `STATE_BIT`), built once per tick for a zone. */
export type StateBits = (z: ZoneViews) => (i: number) => number;

/** The engine's default state bits: dead only. */
export const deadBit: StateBits = (z) => {
  const flags = z.u8('flags');
  return (i) => (flags[i] & FLAG.dead ? STATE_BIT.dead : 0);
};

/** One tick of one zone, encoded: each cell's records sorted by id. */
export interface CellFrame {
  tick: number;
  zone: number;
  cellsX: number;
  cellsY: number;
  chunks: Uint8Array[];
  hashes: Uint32Array;
}

/** A rectangle of cells: the area of interest of one snapshot. */
export interface CellRect {
  cx0: number;
  cy0: number;
  w: number;
  h: number;
}

// FNV-1a over a chunk: equal hashes and lengths almost always mean an unchanged cell (bytes are compared too).
function hashBytes(b: Uint8Array, n = b.length): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array, n = b.length): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

const clampU16 = (v: number): number => (v < 0 ? 0 : v > 65535 ? 65535 : Math.round(v));

/** The square of cells within `radiusCells` of a position's cell, clipped to the zone. */
export function interestRect(z: ZoneViews, px: number, py: number, radiusCells: number): CellRect {
  const g = z.geometry;
  const c = z.cellAt(px, py);
  const cx = c % g.cellsX;
  const cy = Math.floor(c / g.cellsX);
  const cx0 = Math.max(0, cx - radiusCells);
  const cy0 = Math.max(0, cy - radiusCells);
  return {
    cx0,
    cy0,
    w: Math.min(g.cellsX - 1, cx + radiusCells) - cx0 + 1,
    h: Math.min(g.cellsY - 1, cy + radiusCells) - cy0 + 1,
  };
}

/** The cells of a rectangle, row by row (the order snapshots use). */
export function rectCells(r: CellRect, cellsX: number): number[] {
  const out: number[] = [];
  for (let y = r.cy0; y < r.cy0 + r.h; y++)
    for (let x = r.cx0; x < r.cx0 + r.w; x++) out.push(y * cellsX + x);
  return out;
}

/**
 * The server side of one zone's snapshots: encodes each tick's cells once and keeps the last
 * `BASELINE_RING` ticks, with shared per-(cell, baseline) deltas.
 */
export class ZoneSnapshots {
  private readonly frames = new Map<number, CellFrame>();
  private readonly deltas = new Map<number, (Uint8Array | null | undefined)[]>();
  private fullChunks: (Uint8Array | undefined)[] = [];
  /** The frame of the latest encoded tick. */
  current: CellFrame | null = null;

  constructor(readonly zone: number) {}

  // This tick's views, for encoding cells on demand (only cells some client can see are ever encoded).
  private src: {
    z: ZoneViews;
    id: Uint32Array;
    kind: Uint8Array;
    type: Uint16Array;
    flags: Uint8Array;
    x: Float32Array;
    y: Float32Array;
    hp: Float32Array;
    bits: (i: number) => number;
    prev: CellFrame | null;
  } | null = null;
  private idx = new Int32Array(64);
  // Chunks, full chunks and deltas of every tick in the ring are carved from shared blocks.
  // Small blocks: a cell that stays unchanged keeps its chunk, and so its block, alive for as long.
  private readonly slab = new Slab(8 * 1024);

  /**
   * Starts the frame of `tick` (the grid must be fresh for this tick). Cells are encoded when a client
   * first needs them this tick, then shared: a 4,096-cell zone with players in one corner encodes a corner.
   */
  encodeTick(z: ZoneViews, tick: number, bitsOf: StateBits = deadBit): CellFrame {
    const g = z.geometry;
    const frame: CellFrame = {
      tick,
      zone: this.zone,
      cellsX: g.cellsX,
      cellsY: g.cellsY,
      chunks: new Array<Uint8Array>(z.cells),
      hashes: new Uint32Array(z.cells),
    };
    this.src = {
      z,
      id: z.u32('id'),
      kind: z.u8('kind'),
      type: z.u16('type'),
      flags: z.u8('flags'),
      x: z.f32('x'),
      y: z.f32('y'),
      hp: z.f32('hp'),
      bits: bitsOf(z),
      prev: this.current,
    };
    this.frames.set(tick, frame);
    for (const t of this.frames.keys()) if (t <= tick - BASELINE_RING - 1) this.frames.delete(t);
    this.deltas.clear();
    this.fullChunks = [];
    this.current = frame;
    return frame;
  }

  /** Cell `c` of the current tick: its records sorted by id (encoded on first use this tick). */
  chunk(c: number): Uint8Array {
    const frame = this.current!;
    const have = frame.chunks[c];
    if (have) return have;
    const { z, id, kind, type, flags, x, y, hp, bits, prev } = this.src!;
    const g = z.geometry;
    let n = 0;
    const s0 = z.cellStart[c];
    const s1 = z.cellStart[c + 1];
    if (s1 - s0 > this.idx.length) this.idx = new Int32Array((s1 - s0) * 2);
    const idx = this.idx;
    for (let s = s0; s < s1; s++) {
      const i = z.order[s];
      if (flags[i] & (FLAG.removed | FLAG.migrating)) continue;
      // Insertion by id: cells hold a handful of entities, and grid order is nearly id order already.
      let k = n++;
      while (k > 0 && id[idx[k - 1]] > id[i]) {
        idx[k] = idx[k - 1];
        k--;
      }
      idx[k] = i;
    }
    if (n === 0) {
      frame.chunks[c] = EMPTY;
      frame.hashes[c] = 0;
      return EMPTY;
    }
    const scratch = CHUNK_SCRATCH;
    scratch.n = 0;
    scratch.room(n * RECORD_BYTES);
    scratch.n = n * RECORD_BYTES;
    const buf = scratch.buf;
    const dv = scratch.view();
    for (let k = 0, at = 0; k < n; k++, at += RECORD_BYTES) {
      const i = idx[k];
      dv.setUint32(at, id[i], true);
      buf[at + 4] = kind[i];
      buf[at + 5] = type[i] & 0xff;
      buf[at + 6] = bits(i);
      dv.setUint16(at + 7, clampU16((x[i] - g.x0) * POSITION_SCALE), true);
      dv.setUint16(at + 9, clampU16((y[i] - g.y0) * POSITION_SCALE), true);
      dv.setUint16(at + 11, clampU16(Math.ceil(hp[i])), true);
    }
    const len = n * RECORD_BYTES;
    const h = hashBytes(buf, len) ^ n;
    // Reuse last tick's buffer when the cell is unchanged, so equal cells compare by identity later.
    const old = prev?.chunks[c];
    const out = old && prev.hashes[c] === h && sameBytes(old, buf, len) ? old : scratch.done(this.slab);
    frame.chunks[c] = out;
    frame.hashes[c] = h;
    return out;
  }

  /** The frame of an earlier tick still in the ring. */
  frame(tick: number): CellFrame | undefined {
    return this.frames.get(tick);
  }

  /** Cell `c` of the current tick as a full chunk (mode byte + records), shared by all clients. */
  full(c: number): Uint8Array {
    let f = this.fullChunks[c];
    if (!f) {
      const rec = this.chunk(c);
      f = this.slab.alloc(1 + rec.length);
      f[0] = CHUNK_FULL;
      f.set(rec, 1);
      this.fullChunks[c] = f;
    }
    return f;
  }

  /**
   * Cell `c` of the current tick against baseline tick `base`: null when unchanged, else the shortest of
   * a delta and the full chunk. Computed once per (cell, baseline) and shared.
   */
  /** The shared per-cell results against baseline tick `base` (undefined = not computed yet). */
  deltaRow(base: number): (Uint8Array | null | undefined)[] {
    let row = this.deltas.get(base);
    if (!row) this.deltas.set(base, (row = []));
    return row;
  }

  changed(c: number, base: CellFrame): Uint8Array | null {
    const row = this.deltaRow(base.tick);
    const hit = row[c];
    if (hit !== undefined) return hit;
    const cur = this.chunk(c);
    const old = base.chunks[c];
    let out: Uint8Array | null;
    // A cell the client had but this server never encoded at that tick cannot happen; be safe anyway.
    if (!old) out = this.full(c);
    else if (cur === old || (base.hashes[c] === this.current!.hashes[c] && sameBytes(cur, old))) out = null;
    else {
      const d = encodeDelta(old, cur, this.slab);
      out = d.length < cur.length + 1 ? d : this.full(c);
    }
    row[c] = out;
    return out;
  }
}

// A growable byte buffer for deltas and snapshots.
class Bytes {
  buf: Uint8Array;
  n = 0;
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.n++] = v;
  }
  varint(v: number): void {
    this.room(5);
    while (v >= 0x80) {
      this.buf[this.n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.n++] = v;
  }
  bytes(b: Uint8Array, from = 0, to = b.length): void {
    const k = to - from;
    this.room(k);
    if (k <= 16) for (let j = 0; j < k; j++) this.buf[this.n + j] = b[from + j];
    else this.buf.set(from === 0 && to === b.length ? b : b.subarray(from, to), this.n);
    this.n += k;
  }
  private dv: DataView | null = null;
  /** A DataView on the current buffer (kept until the buffer grows). */
  view(): DataView {
    if (!this.dv || this.dv.buffer !== this.buf.buffer) this.dv = new DataView(this.buf.buffer);
    return this.dv;
  }
  /** A copy of the bytes written so far: carved from `slab` when given, else its own buffer. */
  done(slab?: Slab): Uint8Array {
    if (!slab) return this.buf.slice(0, this.n);
    const out = slab.alloc(this.n);
    out.set(this.n === this.buf.length ? this.buf : this.buf.subarray(0, this.n));
    return out;
  }
}

// Scratch buffers (one thread, no re-entrancy): results are copied out once by `done()`.
const SCRATCH = new Bytes(4096);
const CHUNK_SCRATCH = new Bytes(1024);
// Snapshots handed to the transports: one shared block per ~150 of them.
const MESSAGES = new Slab();
// Cells rebuilt from deltas on the client side, shared by every SnapshotClient of the thread (a bot
// process runs a thousand); small blocks, as a cell held unchanged keeps its block alive.
const CLIENT_CELLS = new Slab(4 * 1024);
const DELTA_SCRATCH = new Bytes(1024);
const APPLY_SCRATCH = new Bytes(1024);
let ADDED = new Int32Array(64);

const recId = (b: Uint8Array, at: number): number =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const recU16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);

let keep = 0;
let drop = 0;
function flush(out: Bytes): void {
  for (; keep > 0; keep -= Math.min(keep, 64)) out.u8(OP_KEEP | (Math.min(keep, 64) - 1));
  for (; drop > 0; drop -= Math.min(drop, 64)) out.u8(OP_DROP | (Math.min(drop, 64) - 1));
}

/**
 * A per-entity delta from `old` to `cur` (both sorted by id): ops walk the old records — keep a run, drop a
 * run, move (2 bytes, |dx|,|dy| ≤ 4 m), update (9 bytes) — and the entities that entered come last.
 * Trailing kept records are implied.
 */
export function encodeDelta(old: Uint8Array, cur: Uint8Array, slab?: Slab): Uint8Array {
  const out = DELTA_SCRATCH;
  out.n = 0;
  out.u8(CHUNK_DELTA);
  // Pending runs (module state, not a closure: this runs thousands of times a tick).
  keep = 0;
  drop = 0;
  if (ADDED.length < cur.length / RECORD_BYTES) ADDED = new Int32Array(cur.length);
  const added = ADDED;
  let nAdded = 0;
  let i = 0;
  let j = 0;
  while (i < old.length || j < cur.length) {
    const a = i < old.length ? recId(old, i) : Infinity;
    const b = j < cur.length ? recId(cur, j) : Infinity;
    if (a === b) {
      let same = true;
      for (let k = 4; k < RECORD_BYTES; k++) if (old[i + k] !== cur[j + k]) same = false;
      if (same) {
        if (drop) flush(out);
        keep++;
      } else {
        flush(out);
        const dx = recU16(cur, j + 7) - recU16(old, i + 7);
        const dy = recU16(cur, j + 9) - recU16(old, i + 9);
        let onlyMoved = dx >= -64 && dx <= 63 && dy >= -64 && dy <= 63;
        for (let k = 4; k < 7 && onlyMoved; k++) if (old[i + k] !== cur[j + k]) onlyMoved = false;
        if (onlyMoved && (old[i + 11] !== cur[j + 11] || old[i + 12] !== cur[j + 12])) onlyMoved = false;
        if (onlyMoved) {
          const v = ((dx & 0x7f) << 7) | (dy & 0x7f);
          out.u8(OP_MOVE | (v >> 8));
          out.u8(v & 0xff);
        } else {
          out.u8(OP_UPDATE);
          out.bytes(cur, j + 4, j + RECORD_BYTES);
        }
      }
      i += RECORD_BYTES;
      j += RECORD_BYTES;
    } else if (a < b) {
      if (keep) flush(out);
      drop++;
      i += RECORD_BYTES;
    } else {
      added[nAdded++] = j;
      j += RECORD_BYTES;
    }
  }
  if (drop) flush(out);
  if (nAdded) {
    out.u8(OP_NEW);
    out.varint(nAdded);
    for (let k = 0; k < nAdded; k++) out.bytes(cur, added[k], added[k] + RECORD_BYTES);
  }
  return out.done(slab);
}

/** Applies a delta (without its mode byte) to `old`; returns the new sorted records, or an error. */
export function applyDelta(old: Uint8Array, d: Uint8Array, slab?: Slab): Uint8Array | string {
  const out = APPLY_SCRATCH;
  out.n = 0;
  let i = 0;
  let at = 0;
  const added: Uint8Array[] = [];
  while (at < d.length) {
    const op = d[at++];
    if (op === OP_NEW) {
      let n = 0;
      for (let shift = 0; ; shift += 7) {
        if (at >= d.length || shift > 21) return 'truncated count';
        const b = d[at++];
        n |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      if (at + n * RECORD_BYTES !== d.length) return 'bad entered-entity list';
      for (let k = 0; k < n; k++, at += RECORD_BYTES) added.push(d.subarray(at, at + RECORD_BYTES));
      break;
    }
    const kind = op & 0xc0;
    if (kind === OP_KEEP || kind === OP_DROP) {
      const n = (op & 0x3f) + 1;
      if (i + n * RECORD_BYTES > old.length) return 'op past the baseline';
      if (kind === OP_KEEP) out.bytes(old, i, i + n * RECORD_BYTES);
      i += n * RECORD_BYTES;
    } else if (kind === OP_MOVE) {
      if (at >= d.length || i + RECORD_BYTES > old.length) return 'truncated move';
      const v = ((op & 0x3f) << 8) | d[at++];
      const dx = ((v >> 7) << 25) >> 25;
      const dy = ((v & 0x7f) << 25) >> 25;
      out.bytes(old, i, i + RECORD_BYTES);
      const r = out.n - RECORD_BYTES;
      const nx = recU16(old, i + 7) + dx;
      const ny = recU16(old, i + 9) + dy;
      if (nx < 0 || nx > 65535 || ny < 0 || ny > 65535) return 'move out of range';
      out.buf[r + 7] = nx & 0xff;
      out.buf[r + 8] = nx >> 8;
      out.buf[r + 9] = ny & 0xff;
      out.buf[r + 10] = ny >> 8;
      i += RECORD_BYTES;
    } else if (op === OP_UPDATE) {
      if (at + RECORD_BYTES - 4 > d.length || i + RECORD_BYTES > old.length) return 'truncated update';
      out.bytes(old, i, i + 4);
      out.bytes(d, at, at + RECORD_BYTES - 4);
      at += RECORD_BYTES - 4;
      i += RECORD_BYTES;
    } else return `bad op ${op}`;
  }
  out.bytes(old, i, old.length);
  if (!added.length) return out.done(slab);
  // Merge the entered records into id order (the kept records stay in the scratch buffer meanwhile).
  const kept = out.buf.subarray(0, out.n);
  const merged = slab
    ? slab.alloc(kept.length + added.length * RECORD_BYTES)
    : new Uint8Array(kept.length + added.length * RECORD_BYTES);
  let p = 0;
  let q = 0;
  let w = 0;
  while (p < kept.length || q < added.length) {
    if (q >= added.length || (p < kept.length && recId(kept, p) < recId(added[q], 0))) {
      merged.set(kept.subarray(p, p + RECORD_BYTES), w);
      p += RECORD_BYTES;
    } else {
      merged.set(added[q++], w);
    }
    w += RECORD_BYTES;
  }
  return merged;
}

/** What a snapshot carries besides cells: the player's private block and this tick's events (opaque bytes). */
export interface SnapshotExtras {
  /** The last move sequence number the server applied for this client (for reconciliation). */
  ackSeq?: number;
  /** The player's own state; sent only when it differs from the acknowledged baseline's. */
  self?: Uint8Array;
  /** This tick's events visible to the client (always sent; events are not part of the baseline). */
  events?: Uint8Array;
}

/** What the server remembers per client: the rectangle and private block of each snapshot it sent. */
export class ClientBaselines {
  // A fixed ring indexed by tick % BASELINE_RING (no per-tick allocation: a server keeps one per client).
  private readonly ticks = new Int32Array(BASELINE_RING).fill(-1);
  private readonly zones = new Uint16Array(BASELINE_RING);
  private readonly rects = new Uint16Array(BASELINE_RING * 4);
  private readonly selves: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(BASELINE_RING);
  private acked = -1;

  private has(tick: number): boolean {
    return tick >= 0 && this.ticks[tick % BASELINE_RING] === tick;
  }

  /** The client acknowledged a snapshot (it now holds that state); unknown or older ticks are ignored. */
  ack(tick: number): void {
    if (tick > this.acked && this.has(tick)) this.acked = tick;
  }

  /** The tick the next snapshot will be a delta against, or -1. */
  get baseline(): number {
    return this.acked;
  }

  /** Forgets every baseline (the next snapshot is full), e.g. after the client reported a gap. */
  reset(): void {
    this.acked = -1;
    this.ticks.fill(-1);
    this.selves.fill(undefined);
  }

  /** Encodes the current tick's snapshot of `zone` for this client over the cells of `rect`. */
  encode(zone: ZoneSnapshots, rect: CellRect, extras: SnapshotExtras = {}): Uint8Array {
    const frame = zone.current!;
    // The acked tick may have been overwritten in the ring (32 ticks ago): then no baseline.
    if (this.acked >= 0 && !this.has(this.acked)) this.acked = -1;
    const slot = this.acked >= 0 ? this.acked % BASELINE_RING : -1;
    const baseFrame = slot >= 0 && this.zones[slot] === zone.zone ? zone.frame(this.acked) : undefined;
    const base = baseFrame
      ? {
          rect: {
            cx0: this.rects[slot * 4],
            cy0: this.rects[slot * 4 + 1],
            w: this.rects[slot * 4 + 2],
            h: this.rects[slot * 4 + 3],
          },
          self: this.selves[slot],
        }
      : undefined;
    const cellsX = frame.cellsX;
    const cellCount = rect.w * rect.h;
    const maskBytes = (cellCount + 7) >> 3;
    // One scratch buffer for every client's snapshot: the frame is copied out once at the end.
    const out = SCRATCH;
    out.n = 0;
    out.room(HEADER_BYTES + maskBytes);
    const dv = out.view();
    out.buf[0] = PROTOCOL_VERSION;
    out.buf[1] = SNAPSHOT_TYPE;
    dv.setUint32(2, frame.tick, true);
    dv.setUint32(6, base ? this.acked : 0xffffffff, true);
    dv.setUint16(10, zone.zone, true);
    dv.setUint16(12, (extras.ackSeq ?? 0) & 0xffff, true);
    dv.setUint16(14, rect.cx0, true);
    dv.setUint16(16, rect.cy0, true);
    out.buf[18] = rect.w;
    out.buf[19] = rect.h;
    const baseSelf = base?.self;
    const sendSelf = extras.self !== undefined && !(baseSelf && sameBytes(baseSelf, extras.self));
    out.buf[20] = (sendSelf ? 1 : 0) | (extras.events?.length ? 2 : 0);
    out.n = HEADER_BYTES + maskBytes;
    out.buf.fill(0, HEADER_BYTES, HEADER_BYTES + maskBytes);
    const r0 = base?.rect;
    const row = baseFrame ? zone.deltaRow(baseFrame.tick) : null;
    let k = 0;
    for (let cy = rect.cy0; cy < rect.cy0 + rect.h; cy++)
      for (let cx = rect.cx0; cx < rect.cx0 + rect.w; cx++, k++) {
        const c = cy * cellsX + cx;
        const inBase = r0 && cx >= r0.cx0 && cx < r0.cx0 + r0.w && cy >= r0.cy0 && cy < r0.cy0 + r0.h;
        let chunk: Uint8Array | null | undefined;
        if (inBase) {
          chunk = row![c];
          if (chunk === undefined) chunk = zone.changed(c, baseFrame!);
        } else chunk = zone.full(c);
        if (!chunk) continue;
        out.buf[HEADER_BYTES + (k >> 3)] |= 1 << (k & 7);
        out.varint(chunk.length);
        out.bytes(chunk);
      }
    if (sendSelf) {
      out.varint(extras.self!.length);
      out.bytes(extras.self!);
    }
    if (extras.events?.length) {
      out.varint(extras.events.length);
      out.bytes(extras.events);
    }
    const at = frame.tick % BASELINE_RING;
    this.ticks[at] = frame.tick;
    this.zones[at] = zone.zone;
    this.rects[at * 4] = rect.cx0;
    this.rects[at * 4 + 1] = rect.cy0;
    this.rects[at * 4 + 2] = rect.w;
    this.rects[at * 4 + 3] = rect.h;
    this.selves[at] = extras.self ?? baseSelf;
    if (this.acked >= 0 && !this.has(this.acked)) this.acked = -1;
    return out.done(MESSAGES);
  }
}

/** An entity as the client sees it (positions in metres, world coordinates). */
export interface SeenEntity {
  id: number;
  kind: number;
  type: number;
  bits: number;
  dead: boolean;
  x: number;
  y: number;
  hp: number;
}

/** A decoded snapshot. */
export interface SnapshotView {
  tick: number;
  zone: number;
  ackSeq: number;
  /** The player's private block (this tick's or carried from the baseline); undefined before the first. */
  self: Uint8Array | undefined;
  /** This tick's events, or an empty array. */
  events: Uint8Array;
}

interface Held {
  zone: number;
  rect: CellRect;
  /** The rectangle's cells in row order. */
  cells: Uint8Array[];
  self: Uint8Array | undefined;
}

/** The client side: rebuilds the visible entities from full and delta snapshots; never throws on bad bytes. */
export class SnapshotClient {
  private readonly history = new Map<number, Held>();
  private cells: Uint8Array[] = [];
  private origin = { x0: 0, y0: 0 };
  private built: Map<number, SeenEntity> | null = null;

  /** The visible entities after the last applied snapshot, by id (built on first read: bots may never read it). */
  get entities(): Map<number, SeenEntity> {
    if (this.built) return this.built;
    const entities = new Map<number, SeenEntity>();
    const { x0, y0 } = this.origin;
    for (const rec of this.cells) {
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      for (let p = 0; p < rec.length; p += RECORD_BYTES) {
        const bits = rec[p + 6];
        entities.set(rv.getUint32(p, true), {
          id: rv.getUint32(p, true),
          kind: rec[p + 4],
          type: rec[p + 5],
          bits,
          dead: (bits & STATE_BIT.dead) !== 0,
          x: x0 + rv.getUint16(p + 7, true) / POSITION_SCALE,
          y: y0 + rv.getUint16(p + 9, true) / POSITION_SCALE,
          hp: rv.getUint16(p + 11, true),
        });
      }
    }
    return (this.built = entities);
  }
  /** The last snapshot applied. */
  last: SnapshotView | null = null;

  /** `origins(zone)` gives each zone's world origin in metres (positions are sent relative to it). */
  constructor(private readonly origins: (zone: number) => { x0: number; y0: number; cellsX: number }) {}

  /** Forgets a tick the client will not acknowledge (so it is never needed as a baseline). */
  forget(tick: number): void {
    this.history.delete(tick);
  }

  /** Applies a snapshot frame; returns it (ack its tick), or an error for a frame it cannot use. */
  apply(bytes: Uint8Array): { ok: true; snapshot: SnapshotView } | { ok: false; error: string } {
    if (bytes.length < HEADER_BYTES) return { ok: false, error: 'short snapshot' };
    if (bytes[0] !== PROTOCOL_VERSION || bytes[1] !== SNAPSHOT_TYPE)
      return { ok: false, error: 'not a snapshot' };
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tick = dv.getUint32(2, true);
    const baseTick = dv.getUint32(6, true);
    const zone = dv.getUint16(10, true);
    const ackSeq = dv.getUint16(12, true);
    const rect: CellRect = {
      cx0: dv.getUint16(14, true),
      cy0: dv.getUint16(16, true),
      w: bytes[18],
      h: bytes[19],
    };
    const has = bytes[20];
    const base = baseTick === 0xffffffff ? undefined : this.history.get(baseTick);
    if (baseTick !== 0xffffffff && !base) return { ok: false, error: `unknown baseline ${baseTick}` };
    if (base && base.zone !== zone) return { ok: false, error: 'baseline from another zone' };
    let origin: { x0: number; y0: number; cellsX: number };
    try {
      origin = this.origins(zone);
    } catch {
      return { ok: false, error: `unknown zone ${zone}` };
    }
    const maskBytes = (rect.w * rect.h + 7) >> 3;
    let at = HEADER_BYTES + maskBytes;
    if (at > bytes.length) return { ok: false, error: 'truncated mask' };
    const varint = (): number => {
      let v = 0;
      for (let shift = 0; shift <= 28; shift += 7) {
        if (at >= bytes.length) return -1;
        const b = bytes[at++];
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
      }
      return -1;
    };
    const cells: Uint8Array[] = new Array<Uint8Array>(rect.w * rect.h);
    const r0 = base?.rect;
    let k = 0;
    for (let cy = rect.cy0; cy < rect.cy0 + rect.h; cy++)
      for (let cx = rect.cx0; cx < rect.cx0 + rect.w; cx++, k++) {
        const c = cy * origin.cellsX + cx;
        const set = (bytes[HEADER_BYTES + (k >> 3)] >> (k & 7)) & 1;
        const prev =
          r0 && cx >= r0.cx0 && cx < r0.cx0 + r0.w && cy >= r0.cy0 && cy < r0.cy0 + r0.h
            ? base.cells[(cy - r0.cy0) * r0.w + (cx - r0.cx0)]
            : undefined;
        if (!set) {
          if (!prev) return { ok: false, error: `cell ${c} not in baseline` };
          cells[k] = prev;
          continue;
        }
        const n = varint();
        if (n < 1 || at + n > bytes.length) return { ok: false, error: 'bad chunk length' };
        const chunk = bytes.subarray(at, at + n);
        at += n;
        if (chunk[0] === CHUNK_FULL) {
          if ((n - 1) % RECORD_BYTES !== 0) return { ok: false, error: 'bad full chunk' };
          // A view into the frame (no copy): the cell keeps its ~1 KB frame alive while it is held.
          cells[k] = chunk.subarray(1);
        } else if (chunk[0] === CHUNK_DELTA) {
          if (!prev) return { ok: false, error: `delta for cell ${c} without a baseline` };
          const next = applyDelta(prev, chunk.subarray(1), CLIENT_CELLS);
          if (typeof next === 'string') return { ok: false, error: `cell ${c}: ${next}` };
          cells[k] = next;
        } else return { ok: false, error: `bad chunk mode ${chunk[0]}` };
      }
    let self = base?.self;
    if (has & 1) {
      const n = varint();
      if (n < 0 || at + n > bytes.length) return { ok: false, error: 'bad self block' };
      self = bytes.subarray(at, at + n);
      at += n;
    }
    let events: Uint8Array = EMPTY;
    if (has & 2) {
      const n = varint();
      if (n < 0 || at + n > bytes.length) return { ok: false, error: 'bad events block' };
      events = bytes.subarray(at, at + n);
      at += n;
    }
    if (at !== bytes.length) return { ok: false, error: 'trailing bytes' };
    this.history.set(tick, { zone, rect, cells, self });
    // The server only ever deltas against a tick the client acknowledged, and its baseline only moves
    // forward: ticks older than this snapshot's baseline will never be needed again.
    if (base) {
      for (const t of this.history.keys()) if (t < baseTick) this.history.delete(t);
    } else for (const t of this.history.keys()) if (t <= tick - BASELINE_RING - 1) this.history.delete(t);
    this.cells = cells;
    this.origin = origin;
    this.built = null;
    this.last = { tick, zone, ackSeq, self, events };
    return { ok: true, snapshot: this.last };
  }
}

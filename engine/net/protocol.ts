import type { Slab } from './slab.ts';
// The wire protocol: binary, versioned, little-endian. Byte 0 is the protocol version, byte 1 the message
// type. Clients send intents only; the server owns every outcome. Decoding never throws: a malformed frame
// gives an error code, so one bad client cannot take the server down.

/** Protocol version; a frame with another version is refused with `bad-version`. */
export const PROTOCOL_VERSION = 1;

/** Message types, client → server. */
export const C2S = {
  join: 1,
  move: 2,
  moveTo: 3,
  cast: 4,
  target: 5,
  chat: 6,
  capture: 7,
  breed: 8,
  console: 9,
  ack: 10,
  ping: 11,
  inspect: 12,
  preview: 13,
} as const;

/** Message types, server → client (snapshots have their own codec). */
export const S2C = { welcome: 64, chat: 65, rejection: 66, pong: 67, error: 68, event: 70 } as const;

/** Longest JSON text a server message carries (the welcome's catalog, a private event's data). */
export const MAX_SERVER_TEXT_BYTES = 60_000;

/** Why a frame was refused. */
export const DECODE_ERRORS = [
  'empty',
  'bad-version',
  'unknown-type',
  'truncated',
  'too-long',
  'bad-value',
  'trailing-bytes',
] as const;
/** One of `DECODE_ERRORS`. */
export type DecodeError = (typeof DECODE_ERRORS)[number];

/** Longest chat line, console command or token, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 280;
/** Longest frame accepted from a client. */
export const MAX_FRAME_BYTES = 1024;

/** An intent from a client. */
export type ClientMessage =
  | { type: 'join'; token: string }
  | { type: 'move'; dirX: number; dirY: number; seq: number }
  | { type: 'moveTo'; x: number; y: number; seq: number }
  | { type: 'cast'; slot: number; target: number; aimX: number; aimY: number; seq: number }
  | { type: 'target'; target: number }
  | { type: 'chat'; text: string }
  | { type: 'capture'; target: number }
  | { type: 'breed'; rosterA: number; rosterB: number }
  | { type: 'preview'; rosterA: number; rosterB: number }
  | { type: 'inspect'; target: number }
  | { type: 'console'; command: string }
  | { type: 'ack'; tick: number }
  | { type: 'ping'; clientTime: number };

/** A server message other than snapshots. */
export type ServerMessage =
  | {
      type: 'welcome';
      playerId: number;
      token: string;
      tickRate: number;
      zone: number;
      /** Whether this join resumed an existing character. */
      resumed: boolean;
      /** JSON: the world layout, entity kinds and types, the class's skill bar (see `GameCatalog`). */
      catalog: string;
    }
  | { type: 'chat'; from: number; text: string; final: boolean }
  | { type: 'rejection'; code: number; seq: number; detail: string }
  | { type: 'pong'; clientTime: number; serverTick: number }
  | { type: 'error'; code: number; detail: string }
  /** A private event for this player only (console output, capture result…), data as JSON. */
  | { type: 'event'; kind: string; entity: number; json: string };

/** A decode result: the message, or why the frame was refused. */
export type Decoded<T> = { ok: true; msg: T } | { ok: false; code: DecodeError; detail: string };

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** A growable little-endian writer (protocol frames here; event records in events.ts). */
export class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.length++, v);
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  f32(v: number): this {
    this.room(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
    return this;
  }
  f64(v: number): this {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
    return this;
  }
  text(s: string, max = MAX_TEXT_BYTES): this {
    const b = enc.encode(s);
    if (b.length > max) throw new RangeError(`text longer than ${max} bytes`);
    this.u16(b.length);
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** Starts over, keeping the buffer (a writer reused as a scratch). */
  reset(): this {
    this.length = 0;
    return this;
  }
  /** A copy of what was written: carved from `slab` when given, else its own buffer. */
  done(slab?: Slab): Uint8Array {
    if (!slab) return this.buf.slice(0, this.length);
    const out = slab.alloc(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

/** A bounds-checked reader: every read past the end marks the frame truncated instead of throwing. */
class Reader {
  private at = 2;
  bad: DecodeError | null = null;
  detail = '';
  constructor(private readonly view: DataView) {}
  private take(n: number): number {
    if (this.bad) return -1;
    if (this.at + n > this.view.byteLength) {
      this.fail('truncated', `needs ${n} more byte(s) at offset ${this.at}`);
      return -1;
    }
    const at = this.at;
    this.at += n;
    return at;
  }
  fail(code: DecodeError, detail: string): void {
    if (!this.bad) {
      this.bad = code;
      this.detail = detail;
    }
  }
  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.view.getUint8(at);
  }
  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at, true);
  }
  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at, true);
  }
  f32(what: string, limit = 1e6): number {
    const at = this.take(4);
    const v = at < 0 ? 0 : this.view.getFloat32(at, true);
    if (!Number.isFinite(v) || Math.abs(v) > limit)
      this.fail('bad-value', `${what} must be a finite number within ±${limit}`);
    return v;
  }
  f64(what: string): number {
    const at = this.take(8);
    const v = at < 0 ? 0 : this.view.getFloat64(at, true);
    if (!Number.isFinite(v)) this.fail('bad-value', `${what} must be finite`);
    return v;
  }
  text(what: string, max = MAX_TEXT_BYTES): string {
    const n = this.u16();
    if (n > max) {
      this.fail('too-long', `${what} is ${n} bytes (at most ${max})`);
      return '';
    }
    const at = this.take(n);
    if (at < 0) return '';
    try {
      return dec.decode(new Uint8Array(this.view.buffer, this.view.byteOffset + at, n));
    } catch {
      this.fail('bad-value', `${what} is not valid UTF-8`);
      return '';
    }
  }
  end(): void {
    if (!this.bad && this.at !== this.view.byteLength)
      this.fail('trailing-bytes', `${this.view.byteLength - this.at} byte(s) after the message`);
  }
}

/** Encodes a client intent. */
export function encodeClient(m: ClientMessage): Uint8Array {
  const w = new Writer().u8(PROTOCOL_VERSION).u8(C2S[m.type]);
  switch (m.type) {
    case 'join':
      return w.text(m.token).done();
    case 'move':
      return w.f32(m.dirX).f32(m.dirY).u32(m.seq).done();
    case 'moveTo':
      return w.f32(m.x).f32(m.y).u32(m.seq).done();
    case 'cast':
      return w.u8(m.slot).u32(m.target).f32(m.aimX).f32(m.aimY).u32(m.seq).done();
    case 'target':
    case 'capture':
    case 'inspect':
      return w.u32(m.target).done();
    case 'chat':
      return w.text(m.text).done();
    case 'breed':
    case 'preview':
      return w.u32(m.rosterA).u32(m.rosterB).done();
    case 'console':
      return w.text(m.command).done();
    case 'ack':
      return w.u32(m.tick).done();
    case 'ping':
      return w.f64(m.clientTime).done();
  }
}

const C2S_NAMES = Object.fromEntries(Object.entries(C2S).map(([k, v]) => [v, k])) as Record<
  number,
  ClientMessage['type']
>;

/** Decodes and validates a client frame; never throws, whatever the bytes. */
export function decodeClient(bytes: Uint8Array): Decoded<ClientMessage> {
  if (bytes.length === 0) return { ok: false, code: 'empty', detail: 'empty frame' };
  if (bytes.length > MAX_FRAME_BYTES)
    return {
      ok: false,
      code: 'too-long',
      detail: `frame of ${bytes.length} bytes (at most ${MAX_FRAME_BYTES})`,
    };
  if (bytes[0] !== PROTOCOL_VERSION)
    return {
      ok: false,
      code: 'bad-version',
      detail: `protocol ${bytes[0]}, this server speaks ${PROTOCOL_VERSION}`,
    };
  if (bytes.length < 2) return { ok: false, code: 'truncated', detail: 'no message type' };
  const type = C2S_NAMES[bytes[1]];
  if (!type) return { ok: false, code: 'unknown-type', detail: `message type ${bytes[1]}` };
  const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let msg: ClientMessage;
  switch (type) {
    case 'join':
      msg = { type, token: r.text('token') };
      break;
    case 'move': {
      const dirX = r.f32('dirX', 1.001);
      const dirY = r.f32('dirY', 1.001);
      msg = { type, dirX, dirY, seq: r.u32() };
      break;
    }
    case 'moveTo': {
      const x = r.f32('x');
      const y = r.f32('y');
      msg = { type, x, y, seq: r.u32() };
      break;
    }
    case 'cast': {
      const slot = r.u8();
      if (slot < 1 || slot > 8) r.fail('bad-value', `slot ${slot} (1…8)`);
      const target = r.u32();
      const aimX = r.f32('aimX');
      const aimY = r.f32('aimY');
      msg = { type, slot, target, aimX, aimY, seq: r.u32() };
      break;
    }
    case 'target':
    case 'capture':
    case 'inspect':
      msg = { type, target: r.u32() };
      break;
    case 'chat':
      msg = { type, text: r.text('chat text') };
      break;
    case 'breed':
    case 'preview': {
      const rosterA = r.u32();
      msg = { type, rosterA, rosterB: r.u32() };
      break;
    }
    case 'console':
      msg = { type, command: r.text('console command') };
      break;
    case 'ack':
      msg = { type, tick: r.u32() };
      break;
    case 'ping':
      msg = { type, clientTime: r.f64('clientTime') };
      break;
  }
  r.end();
  return r.bad ? { ok: false, code: r.bad, detail: r.detail } : { ok: true, msg };
}

/** Encodes a server message. */
export function encodeServer(m: ServerMessage): Uint8Array {
  const w = new Writer().u8(PROTOCOL_VERSION).u8(S2C[m.type]);
  switch (m.type) {
    case 'welcome':
      return w
        .u32(m.playerId)
        .text(m.token, 512)
        .u8(m.tickRate)
        .u16(m.zone)
        .u8(m.resumed ? 1 : 0)
        .text(m.catalog, MAX_SERVER_TEXT_BYTES)
        .done();
    case 'chat':
      return w
        .u32(m.from)
        .text(m.text, 4096)
        .u8(m.final ? 1 : 0)
        .done();
    case 'rejection':
      return w.u8(m.code).u32(m.seq).text(m.detail).done();
    case 'pong':
      return w.f64(m.clientTime).u32(m.serverTick).done();
    case 'error':
      return w.u8(m.code).text(m.detail).done();
    case 'event':
      return w.text(m.kind, 64).u32(m.entity).text(m.json, MAX_SERVER_TEXT_BYTES).done();
  }
}

const S2C_NAMES = Object.fromEntries(Object.entries(S2C).map(([k, v]) => [v, k])) as Record<
  number,
  ServerMessage['type']
>;

/** Decodes a server frame (the browser and bot side); never throws. */
export function decodeServer(bytes: Uint8Array): Decoded<ServerMessage> {
  if (bytes.length < 2)
    return { ok: false, code: bytes.length === 0 ? 'empty' : 'truncated', detail: 'short frame' };
  if (bytes[0] !== PROTOCOL_VERSION)
    return { ok: false, code: 'bad-version', detail: `protocol ${bytes[0]}` };
  const type = S2C_NAMES[bytes[1]];
  if (!type) return { ok: false, code: 'unknown-type', detail: `message type ${bytes[1]}` };
  const r = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let msg: ServerMessage;
  switch (type) {
    case 'welcome': {
      const playerId = r.u32();
      const token = r.text('token', 512);
      const tickRate = r.u8();
      const zone = r.u16();
      const resumed = r.u8() === 1;
      msg = {
        type,
        playerId,
        token,
        tickRate,
        zone,
        resumed,
        catalog: r.text('catalog', MAX_SERVER_TEXT_BYTES),
      };
      break;
    }
    case 'chat': {
      const from = r.u32();
      const text = r.text('chat text', 4096);
      msg = { type, from, text, final: r.u8() === 1 };
      break;
    }
    case 'rejection': {
      const code = r.u8();
      const seq = r.u32();
      msg = { type, code, seq, detail: r.text('detail') };
      break;
    }
    case 'pong': {
      const clientTime = r.f64('clientTime');
      msg = { type, clientTime, serverTick: r.u32() };
      break;
    }
    case 'error': {
      const code = r.u8();
      msg = { type, code, detail: r.text('detail') };
      break;
    }
    case 'event': {
      const kind = r.text('kind', 64);
      const entity = r.u32();
      msg = { type, kind, entity, json: r.text('json', MAX_SERVER_TEXT_BYTES) };
      break;
    }
  }
  r.end();
  return r.bad ? { ok: false, code: r.bad, detail: r.detail } : { ok: true, msg };
}

import { Slab } from './slab.ts';
import type { SimEvent } from '../world/system.ts';

// Public simulation events (casts, hits, telegraphs, deaths…) travel inside snapshots, each encoded once per
// tick and copied to every client that can see it. Known kinds have a compact binary schema; any other kind
// (a plugin's) travels as its name plus JSON. Decoding never throws.

type FieldType = 'u8' | 'u16' | 'u32' | 'f32' | 'str';

/** The binary schema of each known event kind: its data fields in order. Index = wire code. */
export const EVENT_SCHEMAS: readonly (readonly [string, readonly (readonly [string, FieldType])[]])[] = [
  [
    'hit',
    [
      ['source', 'u32'],
      ['what', 'str'],
      ['damage', 'f32'],
      ['hp', 'f32'],
    ],
  ],
  ['death', [['kind', 'u8']]],
  [
    'telegraph',
    [
      ['shape', 'str'],
      ['x', 'f32'],
      ['y', 'f32'],
      ['facing', 'f32'],
      ['angleDeg', 'f32'],
      ['radiusM', 'f32'],
      ['resolveTick', 'u32'],
    ],
  ],
  [
    'cast',
    [
      ['skill', 'str'],
      ['target', 'u32'],
      ['castTicks', 'u16'],
    ],
  ],
  [
    'interrupt',
    [
      ['skill', 'str'],
      ['reason', 'str'],
    ],
  ],
  [
    'heal',
    [
      ['source', 'u32'],
      ['amount', 'f32'],
      ['hp', 'f32'],
    ],
  ],
  [
    'respawn',
    [
      ['x', 'f32'],
      ['y', 'f32'],
    ],
  ],
  [
    'fsm',
    [
      ['state', 'str'],
      ['target', 'u32'],
    ],
  ],
  [
    'miss',
    [
      ['skill', 'str'],
      ['target', 'u32'],
      ['reason', 'str'],
    ],
  ],
  [
    'immune',
    [
      ['source', 'u32'],
      ['what', 'str'],
    ],
  ],
  ['attack-cancelled', [['reason', 'str']]],
  [
    'projectile',
    [
      ['skill', 'str'],
      ['target', 'u32'],
    ],
  ],
];

const GENERIC = 255;
const codeOf = new Map(EVENT_SCHEMAS.map(([k], i) => [k, i]));
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** An event as a client receives it. */
export interface NetEvent {
  kind: string;
  entity: number;
  data: Record<string, unknown>;
}

/** Encodes one event (without tick and zone: the snapshot carries them). */
export function encodeEvent(e: Pick<SimEvent, 'kind' | 'entity' | 'data'>): Uint8Array {
  const code = codeOf.get(e.kind);
  EV.n = 0;
  evU8(code ?? GENERIC);
  evU32(e.entity);
  const data = e.data ?? {};
  if (code === undefined) {
    evStr(e.kind);
    const json = enc.encode(JSON.stringify(data)).subarray(0, 65535);
    evU8(json.length & 0xff);
    evU8(json.length >> 8);
    evBytes(json);
  } else {
    const fields = EVENT_SCHEMAS[code][1];
    for (let k = 0; k < fields.length; k++) {
      const v = data[fields[k][0]];
      const t = fields[k][1];
      if (t === 'str') evStr(String(v ?? ''));
      else if (t === 'u8') evU8(Number(v) & 0xff);
      else if (t === 'u16') evU16(Number(v) & 0xffff);
      else if (t === 'u32') evU32(Number(v) >>> 0);
      else evF32(Number(v) || 0);
    }
  }
  const out = EVENTS.alloc(EV.n);
  out.set(EV.buf.subarray(0, EV.n));
  return out;
}

// The encoder's scratch (one thread, no re-entrancy; events are encoded by the hundred each tick): fields are
// written here, then copied once into a shared slab.
const EV = { buf: new Uint8Array(256), n: 0, dv: new DataView(new ArrayBuffer(0)) };
EV.dv = new DataView(EV.buf.buffer);
const EVENTS = new Slab(16 * 1024);
function evRoom(k: number): void {
  if (EV.n + k <= EV.buf.length) return;
  const b = new Uint8Array(Math.max(EV.buf.length * 2, EV.n + k));
  b.set(EV.buf.subarray(0, EV.n));
  EV.buf = b;
  EV.dv = new DataView(b.buffer);
}
function evU8(v: number): void {
  evRoom(1);
  EV.buf[EV.n++] = v;
}
function evU16(v: number): void {
  evRoom(2);
  EV.dv.setUint16(EV.n, v, true);
  EV.n += 2;
}
function evU32(v: number): void {
  evRoom(4);
  EV.dv.setUint32(EV.n, v >>> 0, true);
  EV.n += 4;
}
function evF32(v: number): void {
  evRoom(4);
  EV.dv.setFloat32(EV.n, v, true);
  EV.n += 4;
}
function evBytes(b: Uint8Array): void {
  evRoom(b.length);
  EV.buf.set(b, EV.n);
  EV.n += b.length;
}
function evStr(s: string): void {
  const b = enc.encode(s).subarray(0, 255);
  evU8(b.length);
  evBytes(b);
}

/** Decodes a block of concatenated events; returns what decoded cleanly, or an error (never throws). */
export function decodeEvents(b: Uint8Array): { ok: true; events: NetEvent[] } | { ok: false; error: string } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: NetEvent[] = [];
  let at = 0;
  const need = (n: number): boolean => at + n <= b.length;
  const str = (): string | null => {
    if (!need(1)) return null;
    const n = b[at++];
    if (!need(n)) return null;
    try {
      const s = dec.decode(b.subarray(at, at + n));
      at += n;
      return s;
    } catch {
      return null;
    }
  };
  while (at < b.length) {
    const code = b[at++];
    if (!need(4)) return { ok: false, error: 'truncated event' };
    const entity = dv.getUint32(at, true);
    at += 4;
    if (code === GENERIC) {
      const kind = str();
      if (kind === null || !need(2)) return { ok: false, error: 'truncated event' };
      const n = dv.getUint16(at, true);
      at += 2;
      if (!need(n)) return { ok: false, error: 'truncated event data' };
      try {
        const data = JSON.parse(dec.decode(b.subarray(at, at + n))) as unknown;
        if (typeof data !== 'object' || data === null)
          return { ok: false, error: 'event data not an object' };
        out.push({ kind, entity, data: data as Record<string, unknown> });
      } catch {
        return { ok: false, error: 'event data not JSON' };
      }
      at += n;
      continue;
    }
    const schema = EVENT_SCHEMAS[code];
    if (!schema) return { ok: false, error: `unknown event code ${code}` };
    const data: Record<string, unknown> = {};
    for (const [name, t] of schema[1]) {
      if (t === 'str') {
        const s = str();
        if (s === null) return { ok: false, error: `bad ${schema[0]}.${name}` };
        data[name] = s;
        continue;
      }
      const n = t === 'u8' ? 1 : t === 'u16' ? 2 : 4;
      if (!need(n)) return { ok: false, error: `truncated ${schema[0]}.${name}` };
      data[name] =
        t === 'u8'
          ? b[at]
          : t === 'u16'
            ? dv.getUint16(at, true)
            : t === 'u32'
              ? dv.getUint32(at, true)
              : dv.getFloat32(at, true);
      at += n;
    }
    out.push({ kind: schema[0], entity, data });
  }
  return { ok: true, events: out };
}

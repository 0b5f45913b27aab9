import { Writer } from './protocol.ts';
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
  const w = EV.reset();
  w.u8(code ?? GENERIC).u32(e.entity);
  const data = e.data ?? {};
  if (code === undefined) {
    shortText(w, e.kind);
    const json = enc.encode(JSON.stringify(data)).subarray(0, 65535);
    w.u16(json.length).bytes(json);
  } else {
    const fields = EVENT_SCHEMAS[code][1];
    for (let k = 0; k < fields.length; k++) {
      const v = data[fields[k][0]];
      const t = fields[k][1];
      if (t === 'str') shortText(w, String(v ?? ''));
      else if (t === 'u8') w.u8(Number(v) & 0xff);
      else if (t === 'u16') w.u16(Number(v) & 0xffff);
      else if (t === 'u32') w.u32(Number(v) >>> 0);
      else w.f32(Number(v) || 0);
    }
  }
  return w.done(EVENTS);
}

// The encoder's scratch (one thread, no re-entrancy; events are encoded by the hundred each tick): fields are
// written there, then copied once into a shared slab.
const EV = new Writer();
const EVENTS = new Slab(16 * 1024);

// A string of at most 255 bytes after a one-byte length (longer ones are cut).
function shortText(w: Writer, s: string): void {
  const b = enc.encode(s).subarray(0, 255);
  w.u8(b.length).bytes(b);
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

import { PROTOCOL_VERSION } from './protocol.ts';

// Datagram transports (geckos.io's unreliable channel) carry at most ~1,100 bytes per message. A larger
// frame is split into numbered fragments; the receiver rebuilds it when every fragment arrived and drops
// an incomplete one (a lost snapshot is simply not acknowledged, so the next is a delta against an older
// baseline or full). Fragments of different frames may interleave.

/** Message type of a fragment (after the protocol version byte). */
export const FRAGMENT_TYPE = 71;
/** Largest datagram geckos.io should carry. */
export const MAX_DATAGRAM_BYTES = 1100;
const HEADER = 6;

/** Splits a frame into datagrams of at most `max` bytes (a frame that fits is sent as is). */
export function fragment(frame: Uint8Array, id: number, max = MAX_DATAGRAM_BYTES): Uint8Array[] {
  if (frame.length <= max) return [frame];
  const room = max - HEADER;
  const count = Math.ceil(frame.length / room);
  if (count > 255) throw new RangeError(`frame of ${frame.length} bytes needs more than 255 fragments`);
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const part = frame.subarray(k * room, Math.min(frame.length, (k + 1) * room));
    const d = new Uint8Array(HEADER + part.length);
    d[0] = PROTOCOL_VERSION;
    d[1] = FRAGMENT_TYPE;
    d[2] = id & 0xff;
    d[3] = (id >> 8) & 0xff;
    d[4] = k;
    d[5] = count;
    d.set(part, HEADER);
    out.push(d);
  }
  return out;
}

/** Rebuilds fragmented frames; keeps at most `keep` frames in progress (older ones are dropped). */
export class Reassembler {
  private readonly pending = new Map<number, { parts: (Uint8Array | undefined)[]; got: number }>();
  constructor(private readonly keep = 8) {}

  /** Feeds a datagram: returns a whole frame when one is complete (or the datagram was not a fragment), else null. */
  push(d: Uint8Array): Uint8Array | null {
    // Whole frames pass through: only a fragment carries this version and type.
    if (d.length < 2 || d[0] !== PROTOCOL_VERSION || d[1] !== FRAGMENT_TYPE) return d;
    if (d.length < HEADER + 1) return null;
    const id = d[2] | (d[3] << 8);
    const k = d[4];
    const count = d[5];
    if (count < 2 || k >= count) return null;
    let p = this.pending.get(id);
    if (!p || p.parts.length !== count) {
      p = { parts: new Array<Uint8Array | undefined>(count), got: 0 };
      this.pending.set(id, p);
      while (this.pending.size > this.keep) this.pending.delete(this.pending.keys().next().value!);
    }
    if (p.parts[k]) return null;
    p.parts[k] = d.slice(HEADER);
    if (++p.got < count) return null;
    this.pending.delete(id);
    const size = p.parts.reduce((s, x) => s + x!.length, 0);
    const out = new Uint8Array(size);
    let at = 0;
    for (const x of p.parts) {
      out.set(x!, at);
      at += x!.length;
    }
    return out;
  }
}

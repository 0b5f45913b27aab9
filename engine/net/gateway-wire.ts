// Messages between a zone process and its gateway processes (see gateway.ts), over the child process's IPC
// channel with `serialization: 'advanced'` (typed arrays travel as bytes). Many small frames travel as one
// message: an index of Int32 triples or pairs and one byte array.

/** Kinds of an outgoing entry. */
export const OUT_KIND = { reliable: 0, snapshot: 1 } as const;

/** Zone process → gateway. */
export type ToGateway =
  /** A socket upgraded on the zone's HTTP server, sent with the message as its handle. */
  | {
      t: 'upgrade';
      id: number;
      method: string;
      url: string;
      headers: Record<string, string | string[] | undefined>;
      head: Uint8Array;
    }
  /**
   * Messages to send: `index` holds (connection id, OUT_KIND, byte length) per entry, in order. `tick`: the
   * batch flushed at the end of a tick's send phase (its send time is what the gateway reports).
   */
  | { t: 'out'; seq: number; tick: boolean; index: Int32Array; data: Uint8Array }
  | { t: 'close'; id: number; code: number; reason: string }
  | { t: 'stop' };

/** Gateway → zone process. */
export type FromGateway =
  | { t: 'ready'; pid: number }
  | { t: 'open'; id: number; remote: string }
  | { t: 'refused'; id: number }
  /** Frames received: `index` holds (connection id, byte length) per frame, in arrival order. */
  | { t: 'in'; index: Int32Array; data: Uint8Array }
  | { t: 'closed'; id: number }
  /**
   * An `out` batch was handed to the sockets: how long that took, snapshots dropped for full sockets, and
   * (connection id, bytes queued) for every socket with anything still queued.
   */
  | { t: 'sent'; seq: number; tick: boolean; ms: number; dropped: number; buffered: Int32Array };

/** Options a gateway process starts with (its argv[2], JSON). */
export interface GatewayConfig {
  /** Largest WebSocket message accepted; a larger one closes that connection. */
  maxPayload: number;
  /** A snapshot is dropped for a socket with more than this many bytes queued. */
  maxQueuedBytes: number;
}

/** Appends entries to a growing (index, bytes) batch. */
export class Batch {
  private index = new Int32Array(3 * 256);
  private data = new Uint8Array(64 * 1024);
  private entries = 0;
  private bytes = 0;

  constructor(private readonly width: 2 | 3) {}

  get size(): number {
    return this.entries;
  }

  get byteLength(): number {
    return this.bytes;
  }

  /** Adds one entry (`kind` is ignored by a batch of pairs). */
  push(id: number, bytes: Uint8Array, kind = 0): void {
    const w = this.width;
    if ((this.entries + 1) * w > this.index.length) {
      const grown = new Int32Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    if (this.bytes + bytes.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.bytes + bytes.length));
      grown.set(this.data.subarray(0, this.bytes));
      this.data = grown;
    }
    const k = this.entries * w;
    this.index[k] = id;
    if (w === 3) {
      this.index[k + 1] = kind;
      this.index[k + 2] = bytes.length;
    } else this.index[k + 1] = bytes.length;
    this.data.set(bytes, this.bytes);
    this.bytes += bytes.length;
    this.entries++;
  }

  /** The batch so far as views (copied by the IPC channel when sent), then empties it. */
  take(): { index: Int32Array; data: Uint8Array } {
    const out = {
      index: this.index.subarray(0, this.entries * this.width),
      data: this.data.subarray(0, this.bytes),
    };
    this.entries = 0;
    this.bytes = 0;
    return out;
  }
}

/** Calls `each(id, kind, bytes)` for every entry of a received batch (views into `data`). */
export function forEachEntry(
  width: 2 | 3,
  index: Int32Array,
  data: Uint8Array,
  each: (id: number, kind: number, bytes: Uint8Array) => void,
): void {
  let at = 0;
  for (let k = 0; k < index.length; k += width) {
    const len = index[k + width - 1];
    each(index[k], width === 3 ? index[k + 1] : 0, data.subarray(at, at + len));
    at += len;
  }
}

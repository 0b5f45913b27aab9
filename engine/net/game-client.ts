import { decodeEvents } from './events.ts';
import type { NetEvent } from './events.ts';
import { Reassembler } from './fragment.ts';
import { decodeServer, encodeClient, PROTOCOL_VERSION } from './protocol.ts';
import type { ClientMessage, ServerMessage } from './protocol.ts';
import { decodeSelf } from './self-state.ts';
import type { SelfState } from './self-state.ts';
import { SNAPSHOT_TYPE, SnapshotClient } from './snapshot.ts';
import type { SeenEntity, SnapshotView } from './snapshot.ts';
import type { GameCatalog } from './zone-server.ts';

// The game client's network side, shared by the browser (/play) and Node bots (tests, `arcane load`): it
// speaks the protocol over any WebSocket-like object, rebuilds the visible world from snapshots, acks
// them, and exposes what the HUD and bots need. It sends intents only.

/** The subset of the WebSocket API the client uses (the browser's and the `ws` package's both fit). */
export interface SocketLike {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** A constructor of sockets (`WebSocket` in browsers, `ws`'s `WebSocket` in Node). */
export type SocketFactory = (url: string) => SocketLike;

/** What the client tells its user about. */
export interface GameClientListeners {
  welcome?(m: Extract<ServerMessage, { type: 'welcome' }>): void;
  snapshot?(s: SnapshotView, events: NetEvent[]): void;
  chat?(m: Extract<ServerMessage, { type: 'chat' }>): void;
  rejection?(m: Extract<ServerMessage, { type: 'rejection' }>): void;
  error?(m: Extract<ServerMessage, { type: 'error' }>): void;
  event?(kind: string, entity: number, data: Record<string, unknown>): void;
  close?(code: number, reason: string): void;
}

/** Counters for load tests. */
export interface GameClientStats {
  bytesIn: number;
  bytesOut: number;
  snapshots: number;
  badSnapshots: number;
  rttMs: number[];
  errors: number;
}

/** Options of `GameClient.connect`. */
export interface GameClientOptions {
  url: string;
  socket: SocketFactory;
  /** A session token to resume a character ('' = new guest). */
  token?: string;
  listeners?: GameClientListeners;
  /** Acknowledge snapshots (default true; a client that never acks gets full snapshots). */
  ack?: boolean;
  /**
   * Acknowledge every n-th snapshot (default 2: deltas are then against a baseline one tick older, which
   * costs a few bytes, and the server decodes half as many frames).
   */
  ackEvery?: number;
  /** The socket's binaryType (default 'arraybuffer'; Node's `ws` avoids a copy with 'nodebuffer'). */
  binaryType?: string;
  /** Clock for round-trip times (default performance.now). */
  now?: () => number;
  /** Give up (close the socket, reject) when no welcome arrived within this many ms (default: wait). */
  timeoutMs?: number;
}

/** A connected game client. */
export class GameClient {
  readonly stats: GameClientStats = {
    bytesIn: 0,
    bytesOut: 0,
    snapshots: 0,
    badSnapshots: 0,
    rttMs: [],
    errors: 0,
  };
  playerId = 0;
  token = '';
  tick = 0;
  catalog: GameCatalog | null = null;
  self: SelfState | null = null;
  world: SnapshotClient | null = null;
  private seq = 0;
  private readonly now: () => number;
  private welcomed!: Promise<void>;

  private constructor(
    private readonly ws: SocketLike,
    private readonly o: GameClientOptions,
  ) {
    this.now = o.now ?? (() => performance.now());
  }

  /** Opens a socket, joins, and resolves once the server welcomed the character. */
  static connect(o: GameClientOptions): Promise<GameClient> {
    const ws = o.socket(o.url);
    ws.binaryType = o.binaryType ?? 'arraybuffer';
    const c = new GameClient(ws, o);
    c.welcomed = new Promise<void>((resolve, reject) => {
      if (o.timeoutMs) {
        const timer = setTimeout(() => {
          reject(new Error(`no welcome from ${o.url} within ${o.timeoutMs} ms`));
          ws.close();
        }, o.timeoutMs);
        const wrap =
          <A extends unknown[]>(f: (...a: A) => void) =>
          (...a: A): void => {
            clearTimeout(timer);
            f(...a);
          };
        resolve = wrap(resolve);
        reject = wrap(reject);
      }
      ws.onopen = () => c.send({ type: 'join', token: o.token ?? '' });
      ws.onerror = () => reject(new Error(`cannot connect to ${o.url}`));
      ws.onclose = (ev) => {
        reject(new Error(`connection closed before welcome (${ev.code} ${ev.reason})`));
        o.listeners?.close?.(ev.code, ev.reason);
      };
      ws.onmessage = (ev) => {
        const data = ev.data;
        const bytes =
          data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : ArrayBuffer.isView(data)
              ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
              : null;
        if (!bytes) return;
        c.onBytes(bytes, resolve, reject);
      };
    });
    return c.welcomed.then(() => c);
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.ws.readyState === 1;
  }

  private readonly reassembler = new Reassembler();

  /** Feeds a datagram from a second channel (geckos.io carries snapshots in fragments). */
  receiveDatagram(d: Uint8Array): void {
    const frame = this.reassembler.push(d);
    if (frame)
      this.onBytes(
        frame,
        () => {},
        () => {},
      );
  }

  private onBytes(bytes: Uint8Array, resolve: () => void, reject: (e: Error) => void): void {
    this.stats.bytesIn += bytes.length;
    const l = this.o.listeners;
    if (bytes.length >= 2 && bytes[0] === PROTOCOL_VERSION && bytes[1] === SNAPSHOT_TYPE) {
      if (!this.world) return;
      const r = this.world.apply(bytes);
      if (!r.ok) {
        this.stats.badSnapshots++;
        return;
      }
      this.stats.snapshots++;
      this.tick = r.snapshot.tick;
      if (r.snapshot.self) this.self = decodeSelf(r.snapshot.self);
      if (this.o.ack !== false && r.snapshot.tick % (this.o.ackEvery ?? 2) === 0)
        this.send({ type: 'ack', tick: r.snapshot.tick });
      else this.world.forget(r.snapshot.tick);
      const ev = r.snapshot.events.length
        ? decodeEvents(r.snapshot.events)
        : { ok: true as const, events: [] };
      l?.snapshot?.(r.snapshot, ev.ok ? ev.events : []);
      return;
    }
    const d = decodeServer(bytes);
    if (!d.ok) {
      this.stats.errors++;
      return;
    }
    const m = d.msg;
    switch (m.type) {
      case 'welcome': {
        this.playerId = m.playerId;
        this.token = m.token;
        try {
          this.catalog = JSON.parse(m.catalog) as GameCatalog;
        } catch {
          return reject(new Error('server sent a bad catalog'));
        }
        const zones = this.catalog.zones;
        this.world = new SnapshotClient((zone) => {
          const z = zones[zone];
          if (!z) throw new Error(`zone ${zone}`);
          return z;
        });
        l?.welcome?.(m);
        return resolve();
      }
      case 'pong':
        this.stats.rttMs.push(this.now() - m.clientTime);
        return;
      case 'chat':
        return l?.chat?.(m);
      case 'rejection':
        return l?.rejection?.(m);
      case 'error':
        this.stats.errors++;
        if (!this.world) reject(new Error(m.detail));
        return l?.error?.(m);
      case 'event': {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(m.json) as Record<string, unknown>;
        } catch {
          // keep the event with empty data
        }
        return l?.event?.(m.kind, m.entity, data);
      }
    }
  }

  /** Sends an intent (frames are validated on the server, whatever is sent). */
  send(m: ClientMessage): void {
    if (this.ws.readyState !== 1) return;
    const b = encodeClient(m);
    this.stats.bytesOut += b.length;
    this.ws.send(b);
  }

  /** Sends raw bytes (tests of the server's validation). */
  sendRaw(b: Uint8Array): void {
    if (this.ws.readyState === 1) this.ws.send(b);
  }

  /** Moves in a direction (unit vector or zero to stop); returns the sequence number for reconciliation. */
  move(dirX: number, dirY: number): number {
    this.send({ type: 'move', dirX, dirY, seq: ++this.seq });
    return this.seq;
  }

  /** Walks to a point (click-to-move). */
  moveTo(x: number, y: number): number {
    this.send({ type: 'moveTo', x, y, seq: ++this.seq });
    return this.seq;
  }

  /** Casts the skill in `slot` (1-based) at a target entity id (0 = current target / self). */
  cast(slot: number, target = 0, aimX = 0, aimY = 0): number {
    this.send({ type: 'cast', slot, target, aimX, aimY, seq: ++this.seq });
    return this.seq;
  }

  /** Selects a target. */
  target(id: number): void {
    this.send({ type: 'target', target: id });
  }
  /** Says something in zone chat (`/llm …` talks to the NPC). */
  chat(text: string): void {
    this.send({ type: 'chat', text });
  }
  /** Runs a dev-console command. */
  console(command: string): void {
    this.send({ type: 'console', command });
  }
  /** Tries to capture a creature. */
  capture(target: number): void {
    this.send({ type: 'capture', target });
  }
  /** Breeds two roster entries. */
  breed(rosterA: number, rosterB: number): void {
    this.send({ type: 'breed', rosterA, rosterB });
  }
  /** Asks for the offspring preview of two roster entries. */
  preview(rosterA: number, rosterB: number): void {
    this.send({ type: 'preview', rosterA, rosterB });
  }
  /** Asks what is known of an entity (species and traits of a creature). */
  inspect(target: number): void {
    this.send({ type: 'inspect', target });
  }
  /** Measures a round trip (the answer lands in `stats.rttMs`). */
  ping(): void {
    this.send({ type: 'ping', clientTime: this.now() });
  }

  /** The player's own entity as last seen. */
  me(): SeenEntity | undefined {
    return this.world?.entities.get(this.playerId);
  }

  /** Closes the connection. */
  close(): void {
    this.ws.close(1000, 'bye');
  }
}

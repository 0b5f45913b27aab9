import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jsTree, projectUrl } from '../world/js-tree.ts';
import { Batch, forEachEntry, OUT_KIND } from './gateway-wire.ts';
import type { FromGateway, GatewayConfig, ToGateway } from './gateway-wire.ts';
import { MAX_FRAME_BYTES } from './protocol.ts';
import { WS_PATH } from './ws-transport.ts';
import { percentiles } from './zone-server.ts';
import type { Connection, ConnectionHandle, Percentiles, ZoneServer } from './zone-server.ts';

/** Options of `attachGateways`. */
export interface GatewayOptions {
  /** Gateway processes (each takes a share of the connections). Default 1. */
  processes?: number;
  /** WebSocket path on the HTTP server. Default `/ws`. */
  path?: string;
  /** Snapshots are dropped for a socket with more than this many bytes queued (default 128 KiB). */
  maxQueuedBytes?: number;
  log?(line: string): void;
}

/** What the gateways report (the zone's stats page shows it beside the tick times). */
export interface GatewayStats {
  processes: number;
  /** Their process ids. */
  pids: number[];
  connections: number;
  /** Time a gateway took to hand one tick's batch to its sockets (the sends moved off the zone process). */
  sendMs: Percentiles;
  /** Batches sent to a gateway and not yet handed to its sockets, summed over gateways. */
  backlog: number;
  /** Snapshots a gateway dropped because the socket still had more than `maxQueuedBytes` queued. */
  dropped: number;
}

/** Gateways attached to a zone server's HTTP port. */
export interface Gateways {
  stats(): GatewayStats;
  /** Forgets the send-time window (a benchmark's warm-up). */
  resetTimings(): void;
  close(): Promise<void>;
}

interface Gateway {
  child: ChildProcess;
  out: Batch;
  seq: number;
  /** Per unacknowledged batch: bytes per connection in it. */
  inFlight: Map<number, Map<GatewayConnection, number>>;
  conns: Map<number, GatewayConnection>;
  /** Connections whose socket reported queued bytes after the last batch. */
  queued: Set<GatewayConnection>;
  sendMs: number[];
  dead: boolean;
}

class GatewayConnection implements Connection {
  handle: ConnectionHandle | null = null;
  /** Bytes the socket still had queued when the gateway last reported. */
  socketQueued = 0;
  /** Bytes in this tick's batch, not yet sent to the gateway. */
  pending = 0;
  /** Bytes sent to the gateway and not yet handed to the socket. */
  inFlight = 0;
  closed = false;
  remote = '?';
  /** This process's copy of the socket, closed once the gateway has its own. */
  handoff: Socket | null = null;

  constructor(
    readonly id: number,
    private readonly gw: Gateway,
    private readonly flushSoon: (gw: Gateway) => void,
  ) {}

  send(bytes: Uint8Array): void {
    if (this.closed || this.gw.dead) return;
    this.gw.out.push(this.id, bytes, OUT_KIND.reliable);
    this.pending += bytes.length;
    this.flushSoon(this.gw);
  }

  sendSnapshot(bytes: Uint8Array): void {
    if (this.closed || this.gw.dead) return;
    this.gw.out.push(this.id, bytes, OUT_KIND.snapshot);
    this.pending += bytes.length;
    this.flushSoon(this.gw);
  }

  get bufferedBytes(): number {
    return this.socketQueued + this.pending + this.inFlight;
  }

  // A gateway more than a few batches behind holds every snapshot back: the zone server sends its connections
  // none until it catches up, so the IPC backlog stays bounded.
  get congested(): boolean {
    return this.gw.inFlight.size > MAX_BATCHES_BEHIND;
  }

  close(code: number, reason: string): void {
    if (this.closed || this.gw.dead) return;
    // What was queued for it goes first.
    flush(this.gw);
    post(this.gw, { t: 'close', id: this.id, code, reason });
  }
}

function post(gw: Gateway, m: ToGateway, handle?: Socket): void {
  if (gw.dead || !gw.child.connected) return;
  // keepOpen: this process closes its copy itself when the gateway reports the socket (see onUpgrade).
  if (handle) gw.child.send(m, handle, { keepOpen: true });
  else gw.child.send(m);
}

// The gateway holds its own copy of the socket now (or refused it): close this process's copy. Closing one
// descriptor of a socket shared with another process leaves the connection open.
function releaseHandoff(c: GatewayConnection | undefined): void {
  c?.handoff?.destroy();
  if (c) c.handoff = null;
}

// Sends a gateway the batch built since the last flush (copied: a handle transfer in progress makes the IPC
// channel queue messages unserialized).
function flush(gw: Gateway, tick = false): void {
  if (gw.out.size === 0 || gw.dead) return;
  const { index, data } = gw.out.take();
  const seq = ++gw.seq;
  const bytes = new Map<GatewayConnection, number>();
  forEachEntry(3, index, data, (id, _kind, b) => {
    const c = gw.conns.get(id);
    if (!c) return;
    c.pending -= b.length;
    c.inFlight += b.length;
    bytes.set(c, (bytes.get(c) ?? 0) + b.length);
  });
  gw.inFlight.set(seq, bytes);
  post(gw, { t: 'out', seq, tick, index: index.slice(), data: data.slice() });
}

// Batches a gateway may owe before its connections count as congested (a tick's batch each: 0.2 s at 20 Hz).
const MAX_BATCHES_BEHIND = 4;

/**
 * Serves a zone server's WebSocket clients through gateway processes: the zone's HTTP server accepts the
 * upgrade on `path` and hands the socket to a gateway (a child process, over IPC) that completes the handshake
 * and owns the socket from then on. Frames come back to the zone server untouched, in batches (it validates and
 * decides everything, as with `attachWebSocket`); what the zone sends goes to the gateway as one batch per tick,
 * and the gateway makes the per-socket send calls on its own core. A dead gateway closes its connections (their
 * characters can resume on a new connection) and is replaced.
 */
export async function attachGateways(
  http: Server,
  zone: ZoneServer,
  o: GatewayOptions = {},
): Promise<Gateways> {
  const path = o.path ?? WS_PATH;
  const root = await jsTree();
  const config: GatewayConfig = {
    maxPayload: MAX_FRAME_BYTES * 4,
    maxQueuedBytes: o.maxQueuedBytes ?? 128 * 1024,
  };
  const gateways: Gateway[] = [];
  let nextId = 1;
  let closing = false;
  let dropped = 0;
  const flushQueued = new Set<Gateway>();
  const flushSoon = (gw: Gateway): void => {
    if (flushQueued.has(gw)) return;
    flushQueued.add(gw);
    setImmediate(() => {
      flushQueued.delete(gw);
      flush(gw);
    });
  };

  const start = (): Promise<Gateway> =>
    new Promise((resolve, reject) => {
      const child = fork(
        fileURLToPath(projectUrl('engine/net/gateway-entry.mjs')),
        [JSON.stringify(config)],
        {
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          env: { ...process.env, ARCANE_JS_ROOT: root === null ? '' : pathToFileURL(`${root}/`).href },
        },
      );
      const startedAt = performance.now();
      const gw: Gateway = {
        child,
        out: new Batch(3),
        seq: 0,
        inFlight: new Map(),
        conns: new Map(),
        queued: new Set(),
        sendMs: [],
        dead: false,
      };
      child.on('message', (m: FromGateway) => onMessage(gw, m, resolve));
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        gw.dead = true;
        for (const c of gw.conns.values()) {
          releaseHandoff(c);
          c.closed = true;
          c.handle?.onClose();
        }
        gw.conns.clear();
        const i = gateways.indexOf(gw);
        if (i >= 0) gateways.splice(i, 1);
        reject(new Error(`gateway process exited (${signal ?? code}) before it was ready`));
        // Only a gateway that was serving is replaced (one that never started fails attachGateways instead),
        // and not in a tight loop: one that lived less than a second is replaced after a second.
        if (closing || i < 0) return;
        const soon = performance.now() - startedAt < 1000;
        o.log?.(
          `gateway: process ${child.pid} exited (${signal ?? code}); its connections were closed, starting another`,
        );
        setTimeout(
          () =>
            start().then(
              (g) => (closing ? g.child.kill() : gateways.push(g)),
              (err: unknown) => o.log?.(`gateway: could not start a replacement: ${String(err)}`),
            ),
          soon ? 1000 : 0,
        );
      });
    });

  const onMessage = (gw: Gateway, m: FromGateway, ready: (g: Gateway) => void): void => {
    if (m.t === 'ready') ready(gw);
    else if (m.t === 'open') {
      const c = gw.conns.get(m.id);
      releaseHandoff(c);
      if (!c) return;
      c.remote = m.remote;
      c.handle = zone.accept(c);
    } else if (m.t === 'refused') {
      releaseHandoff(gw.conns.get(m.id));
      gw.conns.delete(m.id);
    } else if (m.t === 'in')
      forEachEntry(2, m.index, m.data, (id, _kind, bytes) => gw.conns.get(id)?.handle?.onFrame(bytes));
    else if (m.t === 'closed') {
      const c = gw.conns.get(m.id);
      if (!c) return;
      gw.conns.delete(m.id);
      c.closed = true;
      c.handle?.onClose();
    } else if (m.t === 'sent') {
      for (const [c, n] of gw.inFlight.get(m.seq) ?? []) c.inFlight -= n;
      gw.inFlight.delete(m.seq);
      for (const c of gw.queued) c.socketQueued = 0;
      gw.queued.clear();
      for (let k = 0; k < m.buffered.length; k += 2) {
        const c = gw.conns.get(m.buffered[k]);
        if (!c) continue;
        c.socketQueued = m.buffered[k + 1];
        gw.queued.add(c);
      }
      dropped += m.dropped;
      zone.stats.snapshotsDropped += m.dropped;
      if (m.tick) {
        gw.sendMs.push(m.ms);
        if (gw.sendMs.length > 2000) gw.sendMs.splice(0, 1000);
      }
    }
  };

  for (let k = 0; k < Math.max(1, o.processes ?? 1); k++) gateways.push(await start());

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== path) return;
    const live = gateways.filter((g) => !g.dead);
    if (closing || live.length === 0) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    // The gateway with the fewest connections takes it.
    const gw = live.reduce((a, b) => (b.conns.size < a.conns.size ? b : a));
    // Stop reading here first: this process's copy of the socket would otherwise race the gateway for the
    // client's first frame. Bytes already read past the request are in `head`, which goes along. The socket is
    // no longer the HTTP server's to track (it counts it closed when this copy is destroyed).
    const s = socket as Socket & { server?: unknown; _handle?: { readStop?(): number } };
    s._handle?.readStop?.();
    s.server = null;
    const id = nextId++;
    const c = new GatewayConnection(id, gw, flushSoon);
    c.handoff = s;
    gw.conns.set(id, c);
    post(
      gw,
      {
        t: 'upgrade',
        id,
        method: req.method ?? 'GET',
        url: req.url ?? path,
        headers: req.headers,
        head: new Uint8Array(head),
      },
      s,
    );
  };
  http.on('upgrade', onUpgrade);
  // The tick's snapshots go out as one batch per gateway as soon as the send phase ends.
  const unhook = zone.onSendPhaseEnd(() => {
    for (const gw of gateways) flush(gw, true);
  });

  return {
    stats: () => ({
      processes: gateways.length,
      pids: gateways.map((g) => g.child.pid ?? 0),
      connections: gateways.reduce((n, g) => n + g.conns.size, 0),
      sendMs: percentiles(gateways.flatMap((g) => g.sendMs)),
      backlog: gateways.reduce((n, g) => n + g.inFlight.size, 0),
      dropped,
    }),
    resetTimings() {
      for (const g of gateways) g.sendMs.length = 0;
      dropped = 0;
    },
    async close() {
      closing = true;
      http.off('upgrade', onUpgrade);
      unhook();
      await Promise.all(
        gateways.map(
          (gw) =>
            new Promise<void>((resolve) => {
              if (gw.dead) return resolve();
              const kill = setTimeout(() => gw.child.kill('SIGKILL'), 2000);
              gw.child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              flush(gw);
              post(gw, { t: 'stop' });
            }),
        ),
      );
    },
  };
}

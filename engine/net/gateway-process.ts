// A gateway process: it owns the WebSocket connections the zone process hands it (upgraded sockets sent over
// IPC) and does their socket I/O — the sends that cost a zone process a syscall per client per tick — while the
// zone process keeps the world, the sessions and every decision. Frames from clients go back to the zone process
// untouched, in batches; snapshots and messages come in one batch per tick.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Batch, forEachEntry, OUT_KIND } from './gateway-wire.ts';
import type { FromGateway, GatewayConfig, ToGateway } from './gateway-wire.ts';
import { messageBytes } from './ws-transport.ts';
import type { WsData } from './ws-transport.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as GatewayConfig;
const send = (m: FromGateway): void => {
  // The zone process is gone: nothing left to serve.
  if (!process.connected) process.exit(0);
  process.send!(m);
};

const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload, perMessageDeflate: false });
const sockets = new Map<number, WebSocket>();
const inbox = new Batch(2);
let flushQueued = false;

// Frames that arrive in one turn of the event loop go to the zone process as one message.
function queueFlush(): void {
  if (flushQueued) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    if (inbox.size === 0) return;
    send({ t: 'in', ...inbox.take() });
  });
}

function accept(m: Extract<ToGateway, { t: 'upgrade' }>, socket: Socket): void {
  const req = { method: m.method, url: m.url, headers: m.headers, socket } as unknown as IncomingMessage;
  const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  let done = false;
  socket.once('close', () => {
    if (!done) send({ t: 'refused', id: m.id });
  });
  wss.handleUpgrade(req, socket, Buffer.from(m.head), (ws) => {
    done = true;
    ws.binaryType = 'nodebuffer';
    sockets.set(m.id, ws);
    send({ t: 'open', id: m.id, remote });
    ws.on('message', (data: WsData) => {
      inbox.push(m.id, messageBytes(data));
      queueFlush();
    });
    const closed = (): void => {
      if (!sockets.delete(m.id)) return;
      // Frames received before the close go first.
      if (inbox.size) send({ t: 'in', ...inbox.take() });
      send({ t: 'closed', id: m.id });
    };
    ws.on('close', closed);
    ws.on('error', closed);
  });
}

function deliver(m: Extract<ToGateway, { t: 'out' }>): void {
  const t0 = performance.now();
  let dropped = 0;
  const touched = new Set<number>();
  forEachEntry(3, m.index, m.data, (id, kind, bytes) => {
    const ws = sockets.get(id);
    if (!ws || ws.readyState !== ws.OPEN) return;
    if (kind === OUT_KIND.snapshot && ws.bufferedAmount > config.maxQueuedBytes) {
      dropped++;
      return;
    }
    ws.send(bytes, { binary: true });
    touched.add(id);
  });
  const buffered: number[] = [];
  for (const id of touched) {
    const q = sockets.get(id)?.bufferedAmount ?? 0;
    if (q > 0) buffered.push(id, q);
  }
  send({
    t: 'sent',
    seq: m.seq,
    tick: m.tick,
    ms: performance.now() - t0,
    dropped,
    buffered: Int32Array.from(buffered),
  });
}

process.on('message', (m: ToGateway, handle?: unknown) => {
  if (m.t === 'upgrade') accept(m, handle as Socket);
  else if (m.t === 'out') deliver(m);
  else if (m.t === 'close') sockets.get(m.id)?.close(m.code, m.reason);
  else if (m.t === 'stop') {
    for (const ws of sockets.values()) ws.terminate();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
send({ t: 'ready', pid: process.pid });

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from './protocol.ts';
import type { Connection, ZoneServer } from './zone-server.ts';

/** What `ws` hands a 'message' listener (binaryType 'nodebuffer'; fragments as an array). */
export type WsData = Buffer | ArrayBuffer | Buffer[];

/** A `ws` message as one byte view (fragments joined). */
export function messageBytes(data: WsData): Uint8Array {
  const b = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : data;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The WebSocket path on the shared HTTP port. */
export const WS_PATH = '/ws';

/**
 * Serves the zone server over WebSocket (`ws`) on an existing HTTP server's port, at `path`. Frames larger
 * than the protocol allows close only that connection; other upgrade paths are left to other handlers.
 */
export function attachWebSocket(http: Server, zone: ZoneServer, path = WS_PATH): { close(): Promise<void> } {
  // A little slack over the protocol's limit so an oversize frame is answered, not cut off by ws.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES * 4,
    perMessageDeflate: false,
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, zone));
  };
  http.on('upgrade', onUpgrade);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        http.off('upgrade', onUpgrade);
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

function serve(ws: WebSocket, req: IncomingMessage, zone: ZoneServer): void {
  ws.binaryType = 'nodebuffer';
  const conn: Connection = {
    send: (b) => ws.readyState === ws.OPEN && ws.send(b, { binary: true }),
    sendSnapshot: (b) => ws.readyState === ws.OPEN && ws.send(b, { binary: true }),
    get bufferedBytes() {
      return ws.bufferedAmount;
    },
    close: (code, reason) => ws.close(code, reason),
    remote: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
  };
  const handle = zone.accept(conn);
  ws.on('message', (data: WsData) => handle.onFrame(messageBytes(data)));
  ws.on('close', () => handle.onClose());
  ws.on('error', () => handle.onClose());
}

import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { GameClient } from './game-client.ts';
import { socket } from './test-area.ts';

describe('GameClient.connect', () => {
  it('gives up with a clear error when the server never welcomes it (timeoutMs), and closes its socket', async () => {
    // A WebSocket server that accepts and then says nothing.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    let closedByClient = false;
    wss.on('connection', (ws) => ws.on('close', () => (closedByClient = true)));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
    try {
      await expect(GameClient.connect({ url, socket, timeoutMs: 300 })).rejects.toThrow(
        /no welcome from .* within 300 ms/,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(closedByClient).toBe(true);
    } finally {
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});

// Test helpers for zone-server suites: a Test Area zone server on a random port over either transport, bots
// that connect to it, and a recorder of what a bot saw. (Not a test file: the suites import it.)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { resolveContent } from '../combat/content.ts';
import { COMBAT_PLUGIN, combatSystemsFor } from '../combat/plugin.ts';
import { World } from '../world/world.ts';
import type { NetEvent } from './events.ts';
import { GameClient } from './game-client.ts';
import type { SocketLike } from './game-client.ts';
import { attachGateways } from './gateway.ts';
import type { Gateways } from './gateway.ts';
import type { ServerMessage } from './protocol.ts';
import { attachWebSocket } from './ws-transport.ts';
import { ZoneServer } from './zone-server.ts';
import type { ZoneServerOptions } from './zone-server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A `ws` client socket as the game client wants it. */
export const socket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;
/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds, failing with `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** How clients reach the zone server: its own WebSocket server, or gateway processes. */
export type Transport = 'in-process' | 'gateway';

/** A Test Area zone server on a random port; ticks are driven by the test unless `realtime`. */
export async function testArea(
  o: Partial<ZoneServerOptions> & { transport?: Transport } = {},
  realtime = false,
) {
  const overrides = { shrines: [{ x: 10, y: 10 }] };
  const world = await World.create({
    seed: 7,
    layout: { zonesX: 1, zonesY: 1, zoneWidthM: 80, zoneHeightM: 80, cellM: 4 },
    systems: combatSystemsFor(overrides),
    plugins: [COMBAT_PLUGIN],
  });
  const server = new ZoneServer({ world, content: resolveContent(overrides), ...o });
  const http = createServer((_, res) => res.end('ok'));
  const gateways: Gateways | null = o.transport === 'gateway' ? await attachGateways(http, server) : null;
  const ws = gateways ?? attachWebSocket(http, server);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
  cleanups.push(async () => {
    await server.stop();
    await ws.close();
    await new Promise<void>((r) => http.close(() => r()));
    await world.close();
  });
  if (realtime) server.start();
  const clients: GameClient[] = [];
  /** Connects a bot; ticks the server until it is welcomed. */
  const connect = async (token = '', extra: Partial<Parameters<typeof GameClient.connect>[0]> = {}) => {
    const p = GameClient.connect({ url, socket, token, ...extra });
    if (!realtime) {
      // The character spawns at the next tick: tick until the welcome arrives.
      let done = false;
      void p.then(() => (done = true)).catch(() => (done = true));
      while (!done) {
        await server.tickOnce();
        await sleep(3);
      }
    }
    const c = await p;
    clients.push(c);
    cleanups.push(async () => c.close());
    return c;
  };
  /** Steps n ticks, each time waiting until every open client has the tick's snapshot. */
  const step = async (n = 1) => {
    for (let k = 0; k < n; k++) {
      await server.tickOnce();
      const t = world.tick;
      await waitFor(() => clients.every((c) => !c.open || c.tick >= t), `snapshots of tick ${t}`);
    }
  };
  return { world, server, url, connect, step, gateways };
}

/** Collects a client's snapshot events and private messages. */
export function recorder() {
  const events: Array<NetEvent & { tick: number }> = [];
  const messages: ServerMessage[] = [];
  return {
    events,
    messages,
    listeners: {
      snapshot: (s: { tick: number }, ev: NetEvent[]) =>
        events.push(...ev.map((e) => ({ ...e, tick: s.tick }))),
      rejection: (m: ServerMessage) => messages.push(m),
      error: (m: ServerMessage) => messages.push(m),
      event: (kind: string, entity: number, data: Record<string, unknown>) =>
        messages.push({ type: 'event', kind, entity, json: JSON.stringify(data) }),
      chat: (m: ServerMessage) => messages.push(m),
    },
  };
}

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveContent } from '../../engine/combat/content.ts';
import { attachGateways } from '../../engine/net/gateway.ts';
import type { Gateways } from '../../engine/net/gateway.ts';
import { attachWebSocket, WS_PATH } from '../../engine/net/ws-transport.ts';
import { ZoneServer } from '../../engine/net/zone-server.ts';
import { World } from '../../engine/world/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scenarioToWorldOptions } from '../scenario/to-world.ts';

// A headless zone process: one scenario as a live world behind the zone server, WebSocket on /ws and its
// stats as JSON on /api/game — what operators point `arcane load` at, without the web site.

/** Options of `serveZone`. */
export interface ServeOptions {
  scenario: Scenario;
  port?: number;
  host?: string;
  workers?: number;
  /** Half-width of each client's area of interest, metres. */
  interestM?: number;
  /**
   * Gateway processes doing the clients' socket I/O (see engine/net/gateway.ts); 0 (the default) serves the
   * WebSocket in this process.
   */
  gateways?: number;
  log?(line: string): void;
}

/** A running zone process. */
export interface ServedZone {
  url: string;
  wsUrl: string;
  http: Server;
  zone: ZoneServer;
  world: World;
  close(): Promise<void>;
}

/** Starts a zone server for a scenario on its own HTTP port. */
export async function serveZone(o: ServeOptions): Promise<ServedZone> {
  const world = await World.create(scenarioToWorldOptions(o.scenario, { workers: o.workers ?? 0 }));
  const zone = new ZoneServer({
    world,
    content: resolveContent(o.scenario.content ?? {}),
    interestM: o.interestM,
    log: o.log,
    catalog: { scenario: o.scenario.name },
  });
  let gateways: Gateways | null = null;
  const http = createServer((req, res) => {
    if (req.url === '/api/game' || req.url?.startsWith('/api/game?')) {
      const s = zone.currentStats();
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          available: true,
          scenario: o.scenario.name,
          transports: ['ws'],
          wsPath: WS_PATH,
          tickRate: world.config.tickRate,
          agents: world.agents,
          ...s,
          ...(gateways ? { gateway: gateways.stats() } : {}),
        }),
      );
      return;
    }
    if (req.url === '/api/game/reset-timings' && req.method === 'POST') {
      zone.resetTimings();
      gateways?.resetTimings();
      res.end('ok');
      return;
    }
    res.statusCode = 404;
    res.end(`not found: this is a zone process (WebSocket on ${WS_PATH}, stats on /api/game)`);
  });
  if (o.gateways) gateways = await attachGateways(http, zone, { processes: o.gateways, log: o.log });
  const ws = gateways ?? attachWebSocket(http, zone);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = o.host && o.host !== '0.0.0.0' ? o.host : '127.0.0.1';
  zone.start();
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}${WS_PATH}`,
    http,
    zone,
    world,
    async close() {
      await zone.stop();
      await ws.close();
      await new Promise<void>((r) => http.close(() => r()));
      await world.close();
    },
  };
}

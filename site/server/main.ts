import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_DIR, buildIsStale, buildSite, SITE_DIR } from './build.ts';
import { createAiServices } from './ai/services.ts';
import { assetHttpHandler } from './assets/asset-storage.ts';
import { createAssetServices } from './assets/services.ts';
import { createGameService } from './game/game-service.ts';
import { LabService } from './lab-service.ts';
import { createMetrics, metricsHandler } from './metrics/metrics.ts';
import { setRuntime } from './runtime.ts';

/** The repository root (scenarios/, notebooks/, data/). */
export const ROOT_DIR = join(SITE_DIR, '..');

/** Options for the production (or development) server. */
export interface ServerOptions {
  port?: number;
  host?: string;
  /** Serve the app through Vite with hot reload instead of the production build. */
  dev?: boolean;
  /** Results directory (default `data/`, or ARCANE_DATA). */
  dataDir?: string;
  /** The scenario the game zone serves (default scenarios/test-area.yaml, or ARCANE_GAME_SCENARIO); false: no game. */
  game?: string | false;
}

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Starts one process that serves the site (SvelteKit), the game transport and the lab API on one port.
 * Builds the site first when the build is missing or stale.
 */
export async function startServer(
  o: ServerOptions = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const port = o.port ?? Number(process.env.PORT ?? 3000);
  const host = o.host ?? process.env.HOST ?? '0.0.0.0';
  const dataDir = o.dataDir ?? process.env.ARCANE_DATA ?? join(ROOT_DIR, 'data');
  const metrics = createMetrics({ processMetrics: true });
  const assets = await createAssetServices({ dataDir, metrics });
  const ai = await createAiServices({ dataDir, observer: metrics });
  for (const w of ai.warnings) console.warn(`ai: ${w}`);
  const serveMetrics = metricsHandler(metrics);
  const serveAssets = assets.local ? assetHttpHandler(assets.local) : null;
  const lab = new LabService({
    scenariosDir: join(ROOT_DIR, 'scenarios'),
    notebooksDir: join(ROOT_DIR, 'notebooks'),
    dataDir,
    workers: 2,
  });
  const gameFile =
    o.game ?? process.env.ARCANE_GAME_SCENARIO ?? join(ROOT_DIR, 'scenarios', 'test-area.yaml');
  const game = gameFile
    ? await createGameService({ scenarioFile: gameFile, ai, metrics, log: (l) => console.warn(l) })
    : null;
  setRuntime({ lab, metrics, assets, ai, game });
  let handler: Handler;
  let closeVite: () => Promise<void> = async () => {};
  if (o.dev) {
    // SvelteKit reads svelte.config.js from the working directory.
    process.chdir(SITE_DIR);
    const { createServer: createVite } = await import('vite');
    const vite = await createVite({ root: SITE_DIR, server: { middlewareMode: true }, appType: 'custom' });
    handler = (req, res, next) => vite.middlewares(req, res, next);
    closeVite = () => vite.close();
  } else {
    if (buildIsStale()) {
      console.log('Building the site (first start or sources changed)…');
      buildSite();
    }
    const mod = (await import(pathToFileURL(join(BUILD_DIR, 'handler.js')).href)) as { handler: Handler };
    handler = mod.handler;
  }
  const server = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) return serveMetrics(req, res);
    if (serveAssets && req.url?.startsWith('/assets/')) {
      void serveAssets(req, res).then((served) => {
        if (!served) handler(req, res, () => res.writeHead(404).end('not found'));
      });
      return;
    }
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  await game?.attach(server);
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
  return {
    server,
    url,
    async close() {
      await game?.close();
      await new Promise<void>((r) => server.close(() => r()));
      await closeVite();
      await ai.close();
      await lab.close();
    },
  };
}

import { json } from '@sveltejs/kit';
import { WS_PATH } from '../../../../../engine/net/ws-transport.ts';
import { getRuntime } from '../../../../server/runtime.ts';

/** What the game client needs before it connects: is there a zone, which transports, and how it runs. */
export const GET = () => {
  const game = getRuntime()?.game;
  if (!game) return json({ available: false, reason: 'this server runs without a game zone' });
  const s = game.stats();
  return json({
    available: true,
    scenario: game.scenario.name,
    transports: game.transports,
    wsPath: WS_PATH,
    tickRate: game.world.config.tickRate,
    tick: s.tick,
    clients: s.clients,
    tickMs: s.tickMs,
    bytesOut: s.bytesOut,
    snapshotsDropped: s.snapshotsDropped,
    rateLimited: s.rateLimited,
    malformed: s.malformed,
  });
};

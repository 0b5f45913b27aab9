import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GameClient } from '../../../engine/net/game-client.ts';
import type { SocketLike } from '../../../engine/net/game-client.ts';
import { createAiServices } from '../ai/services.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createGameService } from './game-service.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the game as the site serves it', () => {
  it('a named guest joins the Test Area, the NPC answers /llm, and /metrics shows the zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcane-game-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ai = await createAiServices({ env: {}, dataDir: dir });
    cleanups.push(() => ai.close());
    const metrics = createMetrics();
    const game = await createGameService({
      scenarioFile: join(import.meta.dirname, '../../../scenarios/test-area.yaml'),
      ai,
      metrics,
      secret: 'test-secret',
    });
    const http = createServer();
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    cleanups.push(() => game.close());
    await game.attach(http);
    expect(game.transports).toEqual(['ws']); // geckos.io is not installable here
    const { token } = game.issueGuest({ name: 'Maera', cls: 'mage' });
    const chat: string[] = [];
    let done = false;
    const c = await GameClient.connect({
      url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`,
      socket: (u) => new WebSocket(u) as unknown as SocketLike,
      token,
      listeners: {
        chat: (m) => {
          chat.push(m.text);
          if (m.final) done = true;
        },
      },
    });
    cleanups.push(() => c.close());
    expect(c.catalog?.species).toEqual([
      expect.objectContaining({ name: 'deer' }),
      expect.objectContaining({ name: 'boar' }),
    ]);
    c.chat('/llm which creatures live here?');
    const end = Date.now() + 10_000;
    while (!done && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const reply = chat.join('');
    expect(reply).toMatch(/offline NPC/);
    expect(reply.toLowerCase()).toMatch(/deer|boar/);
    // Zone metrics come from the running tick loop.
    let text = '';
    for (let k = 0; k < 40 && !/arcane_agents\{/.test(text); k++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await metrics.registry.metrics();
    }
    expect(text).toMatch(/arcane_connected_clients\{transport="all"\} 1/);
    expect(text).toMatch(/arcane_tick_duration_seconds_count\{zone="test-area"\} [1-9]/);
    expect(text).toMatch(/arcane_agents\{zone="0",kind="enemy"\} 10/);
  });
});

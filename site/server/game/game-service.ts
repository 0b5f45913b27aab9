import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { resolveContent } from '../../../engine/combat/content.ts';
import { attachWebSocket, WS_PATH } from '../../../engine/net/ws-transport.ts';
import { ZoneServer } from '../../../engine/net/zone-server.ts';
import type { ZoneServerHooks, ZoneServerStats } from '../../../engine/net/zone-server.ts';
import { World } from '../../../engine/world/world.ts';
import { ENTITY_KIND } from '../../../engine/zone/layout.ts';
import { loadScenario } from '../../../lab/scenario/load.ts';
import type { Scenario } from '../../../lab/scenario/schema.ts';
import { scenarioToWorldOptions } from '../../../lab/scenario/to-world.ts';
import type { AiServices } from '../ai/services.ts';
import type { SpeciesDefinition } from '../ai/npc/bestiary.ts';
import type { ServerMetrics } from '../metrics/metrics.ts';
import { creatureHooks } from './creatures.ts';
import type { GameSpecies } from './creatures.ts';
import { attachGeckos } from './geckos.ts';

// The game as the production server runs it: the Test Area scenario as a live world, its zone server on the
// site's port (WebSocket at /ws, geckos.io when installed), the NPC, creatures and metrics plugged in.

/** Options of the game service. */
export interface GameServiceOptions {
  /** The scenario the zone serves (default scenarios/test-area.yaml). */
  scenarioFile: string;
  ai?: AiServices;
  metrics?: ServerMetrics;
  /** Token secret (default ARCANE_SECRET, else random per process). */
  secret?: string;
  /** Worker threads for the world (default 0: the Test Area is small; inline is fastest). */
  workers?: number;
  log?(line: string): void;
}

/** The running game. */
export interface GameService {
  zone: ZoneServer;
  world: World;
  scenario: Scenario;
  /** Transports the server offers (the client picks). */
  transports: string[];
  /** Attaches the transports to the site's HTTP server and starts the tick loop. */
  attach(http: Server): Promise<void>;
  /** A token for a character made on the character-creation page. */
  issueGuest(o: { name: string; cls?: string }): { token: string; character: number };
  stats(): ZoneServerStats;
  close(): Promise<void>;
}

const NPC_PERSONA = {
  npcId: 'archivist',
  name: 'Archivist',
  persona:
    'An old scholar of the Test Area who catalogues every creature and remembers every traveller. Dry, ' +
    'precise, kind to the curious; answers in two or three sentences.',
};

function bestiaryOf(s: Scenario): SpeciesDefinition[] {
  return (s.species ?? []).map((sp) => ({
    name: sp.name,
    description: sp.description ?? '',
    traits: Object.fromEntries(Object.keys(sp.traits ?? {}).map((t) => [t, sp.traits![t]])),
    diet: sp.diet,
    temperament: /hostil|temper/i.test(sp.description ?? '') ? 'short-tempered' : 'docile',
  }));
}

/** Starts the game world and its zone server (not yet listening: call `attach`). */
export async function createGameService(o: GameServiceOptions): Promise<GameService> {
  const scenario = await loadScenario(o.scenarioFile);
  const world = await World.create(scenarioToWorldOptions(scenario, { workers: o.workers ?? 0 }));
  const content = resolveContent(scenario.content ?? {});
  const secret = o.secret ?? process.env.ARCANE_SECRET ?? randomBytes(32).toString('hex');
  const species = (scenario.species ?? []) as unknown as GameSpecies[];
  const hooks: ZoneServerHooks = species.length ? { ...creatureHooks({ species, secret }) } : {};
  const ai = o.ai;
  if (ai) {
    const npc = ai.createNpc(NPC_PERSONA);
    await ai
      .indexBestiary(bestiaryOf(scenario), scenario.name)
      .catch((err: unknown) => o.log?.(`bestiary: ${String(err)}`));
    hooks.npc = (player, text, reply) => {
      void (async () => {
        let said = false;
        try {
          for await (const ev of npc.talk({
            playerId: String(player.character),
            playerName: player.name,
            realm: scenario.name,
            zoneId: String(player.zone),
            text,
          })) {
            if (ev.type === 'refused') return reply(ev.message, true);
            if (ev.type === 'start' && ev.offline) reply(`[${ev.label}] `, false);
            if (ev.type === 'chunk') {
              said = true;
              reply(ev.text, false);
            }
            if (ev.type === 'end') return reply(said ? '' : ev.reply, true);
          }
        } catch (err) {
          reply(
            `(the Archivist is lost in thought: ${err instanceof Error ? err.message : String(err)})`,
            true,
          );
        }
      })();
    };
  }
  const metrics = o.metrics;
  let lastBytes = 0;
  let lastMalformed = 0;
  let lastLimited = 0;
  const zone = new ZoneServer({
    world,
    content,
    secret,
    hooks,
    // Character numbers key NPC memories: a restarted server must not hand out yesterday's numbers.
    firstCharacter: 1 + (Math.floor(Date.now() / 1000) % 2_000_000) * 1000,
    log: o.log,
    catalog: {
      scenario: scenario.name,
      species: species.map((s, type) => ({
        type,
        name: s.name,
        description: s.description ?? '',
        hp: s.hp ?? 40,
      })),
    },
    onTick(ms, stats) {
      if (!metrics) return;
      metrics.tickDuration.observe({ zone: 'test-area' }, ms / 1000);
      metrics.connectedClients.set({ transport: 'all' }, stats.clients);
      metrics.bytesOut.inc({ transport: 'all' }, stats.bytesOut - lastBytes);
      lastBytes = stats.bytesOut;
      metrics.snapshotQueueDepth.set({ zone: 'test-area' }, stats.queuedBytes);
      if (stats.malformed > lastMalformed)
        metrics.errors.inc({ kind: 'malformed-frame' }, stats.malformed - lastMalformed);
      if (stats.rateLimited > lastLimited)
        metrics.errors.inc({ kind: 'rate-limited' }, stats.rateLimited - lastLimited);
      lastMalformed = stats.malformed;
      lastLimited = stats.rateLimited;
      if (world.tick % 20 === 0)
        for (const z of world.zones) {
          const kinds = new Map<number, number>();
          const k = z.u8('kind');
          for (let i = 0; i < z.count; i++) kinds.set(k[i], (kinds.get(k[i]) ?? 0) + 1);
          for (const [name, v] of Object.entries(ENTITY_KIND))
            if (v) metrics.agents.set({ zone: String(z.geometry.id), kind: name }, kinds.get(v) ?? 0);
        }
    },
  });
  const closers: Array<() => Promise<void>> = [];
  const transports = ['ws'];
  return {
    zone,
    world,
    scenario,
    transports,
    async attach(http) {
      const ws = attachWebSocket(http, zone, WS_PATH);
      closers.push(() => ws.close());
      const g = await attachGeckos(http, zone);
      if (g.ok) {
        transports.unshift('geckos');
        closers.push(g.close);
      } else o.log?.(`game: geckos.io not offered (${g.reason}); WebSocket only`);
      zone.start();
    },
    issueGuest: (g) => zone.issueGuest(g),
    stats: () => zone.currentStats(),
    async close() {
      await zone.stop();
      for (const c of closers.reverse()) await c();
      await world.close();
    },
  };
}

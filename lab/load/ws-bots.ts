import { WebSocket } from 'ws';
import { GameClient } from '../../engine/net/game-client.ts';
import type { GatewayStats } from '../../engine/net/gateway.ts';
import type { Percentiles } from '../../engine/net/zone-server.ts';
import type { SocketLike } from '../../engine/net/game-client.ts';
import { streamFor } from '../../engine/rng/rng.ts';
import { percentile } from '../../engine/world/scheduler.ts';
import { ENTITY_KIND } from '../../engine/zone/layout.ts';

// Length of (dx, dy). Not Math.hypot: V8's hypot allocates on every call, in loops run for every agent.
const len2 = (dx: number, dy: number): number => Math.sqrt(dx * dx + dy * dy);

// Real WebSocket bots against a running zone server: each connects, joins as a guest, spreads out (dev
// console `tp`), walks in changing directions, casts Magic Missile at the nearest enemy, chats and pings.
// Reports what each client received and how fast the server answered.

/** Options of a load run. */
export interface WsLoadOptions {
  url: string;
  clients: number;
  durationS: number;
  /** Connections opened per second while ramping up (default 250). */
  rampPerS?: number;
  /** Seconds after everyone joined before measuring (default 2). */
  warmupS?: number;
  /** Teleport each bot to a random spot first (default true; needs the dev console on the server). */
  spread?: boolean;
  seed?: number;
  /** Progress lines (ramp, measuring). */
  onProgress?(line: string): void;
  signal?: AbortSignal;
}

/** What a load run measured. */
export interface WsLoadReport {
  url: string;
  clients: number;
  connected: number;
  failed: number;
  durationS: number;
  bytesPerClientPerS: { mean: number; p50: number; p95: number; max: number };
  snapshotsPerClientPerS: { mean: number; min: number };
  rttMs: { p50: number; p95: number; p99: number; samples: number };
  errors: { connect: number; server: number; badSnapshots: number; rejections: number; closed: number };
  firstError?: string;
  /** The server's own figures over the measuring window, when it publishes them on /api/game. */
  server?: {
    tickMs: Percentiles;
    phaseMs?: { step: Percentiles; encode: Percentiles; send: Percentiles };
    clients: number;
    snapshotsDropped: number;
    rateLimited: number;
    /** When the zone serves its sockets through gateway processes: their send times per tick. */
    gateway?: GatewayStats;
  };
}

const socket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statsUrl(wsUrl: string): string {
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/api/game';
  return u.toString();
}

async function fetchJson(url: string, init?: RequestInit): Promise<Record<string, unknown> | null> {
  try {
    const r = await fetch(url, init);
    return r.ok && r.headers.get('content-type')?.includes('json')
      ? ((await r.json()) as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

interface Bot {
  c: GameClient;
  nextMove: number;
  nextCast: number;
  nextChat: number;
  nextPing: number;
  closed: boolean;
}

/** Runs `clients` WebSocket bots against a zone server for `durationS` seconds and reports. */
export async function runWsLoad(o: WsLoadOptions): Promise<WsLoadReport> {
  const rng = streamFor(o.seed ?? 1, 0, 0, 'ws-load');
  const bots: Bot[] = [];
  const errors = { connect: 0, server: 0, badSnapshots: 0, rejections: 0, closed: 0 };
  let firstError: string | undefined;
  const note = (e: string) => (firstError ??= e);
  const ramp = o.rampPerS ?? 250;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let k = 0; k < o.clients && !o.signal?.aborted; k++) {
    const at = (k / ramp) * 1000;
    const wait = at - (performance.now() - t0);
    if (wait > 0) await sleep(wait);
    pending.push(
      GameClient.connect({
        url: o.url,
        socket,
        binaryType: 'nodebuffer',
        // A connection the server never welcomes counts as failed instead of stalling the whole run.
        timeoutMs: 20_000,
        listeners: {
          rejection: () => errors.rejections++,
          error: (m) => {
            errors.server++;
            note(`server: ${m.detail}`);
          },
          close: () => errors.closed++,
        },
      }).then(
        (c) => {
          const now = performance.now();
          bots.push({
            c,
            nextMove: now,
            nextCast: now + 1000 + rng() * 2000,
            nextChat: now + 5000 + rng() * 25_000,
            nextPing: now + rng() * 2000,
            closed: false,
          });
          const z = c.catalog?.zones[0];
          if (z && o.spread !== false)
            c.console(
              `tp ${(z.x0 + 4 + rng() * (z.widthM - 8)).toFixed(1)} ${(z.y0 + 4 + rng() * (z.heightM - 8)).toFixed(1)}`,
            );
        },
        (err: unknown) => {
          errors.connect++;
          note(`connect: ${err instanceof Error ? err.message : String(err)}`);
        },
      ),
    );
    if (k % 100 === 99) o.onProgress?.(`connecting: ${k + 1}/${o.clients}`);
  }
  await Promise.all(pending);
  o.onProgress?.(`connected ${bots.length}/${o.clients}; warming up`);
  // Bots act from one timer: a bot's intents are a few per second, like a player's.
  const act = setInterval(() => {
    const now = performance.now();
    for (const b of bots) {
      if (!b.c.open) continue;
      if (now >= b.nextMove) {
        const a = rng() * Math.PI * 2;
        if (rng() < 0.2) b.c.move(0, 0);
        else b.c.move(Math.cos(a), Math.sin(a));
        b.nextMove = now + 1000 + rng() * 2000;
      }
      if (now >= b.nextCast) {
        b.nextCast = now + 1500 + rng() * 1500;
        const me = b.c.me();
        if (me) {
          let best = 0;
          let bestD = 30;
          for (const e of b.c.world!.entities.values())
            if (e.kind === ENTITY_KIND.enemy && !e.dead) {
              const d = len2(e.x - me.x, e.y - me.y);
              if (d < bestD) [best, bestD] = [e.id, d];
            }
          if (best) b.c.cast(1, best);
        }
      }
      if (now >= b.nextChat) {
        b.c.chat('hello from a bot');
        b.nextChat = now + 20_000 + rng() * 20_000;
      }
      if (now >= b.nextPing) {
        b.c.ping();
        b.nextPing = now + 2000;
      }
    }
  }, 50);
  try {
    await sleep((o.warmupS ?? 2) * 1000);
    const stats = statsUrl(o.url);
    await fetchJson(`${stats}/reset-timings`, { method: 'POST' });
    const base = bots.map((b) => ({
      bytes: b.c.stats.bytesIn,
      snaps: b.c.stats.snapshots,
      rtt: b.c.stats.rttMs.length,
      bad: b.c.stats.badSnapshots,
    }));
    const start = performance.now();
    o.onProgress?.(`measuring for ${o.durationS} s`);
    for (let s = 0; s < o.durationS && !o.signal?.aborted; s++) {
      await sleep(1000);
      if ((s + 1) % 5 === 0) o.onProgress?.(`measuring: ${s + 1}/${o.durationS} s`);
    }
    const secs = (performance.now() - start) / 1000;
    const server = await fetchJson(stats);
    const rates = bots.map((b, k) => (b.c.stats.bytesIn - base[k].bytes) / secs).sort((x, y) => x - y);
    const snapRates = bots.map((b, k) => (b.c.stats.snapshots - base[k].snaps) / secs);
    const rtts = bots.flatMap((b, k) => b.c.stats.rttMs.slice(base[k].rtt)).sort((x, y) => x - y);
    errors.badSnapshots = bots.reduce((s, b, k) => s + b.c.stats.badSnapshots - base[k].bad, 0);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      url: o.url,
      clients: o.clients,
      connected: bots.length,
      failed: o.clients - bots.length,
      durationS: r1(secs),
      bytesPerClientPerS: {
        mean: Math.round(mean(rates)),
        p50: Math.round(percentile(rates, 50)),
        p95: Math.round(percentile(rates, 95)),
        max: Math.round(rates[rates.length - 1] ?? 0),
      },
      snapshotsPerClientPerS: { mean: r1(mean(snapRates)), min: r1(Math.min(...snapRates)) },
      rttMs: {
        p50: r1(percentile(rtts, 50)),
        p95: r1(percentile(rtts, 95)),
        p99: r1(percentile(rtts, 99)),
        samples: rtts.length,
      },
      errors,
      firstError,
      server: server
        ? {
            tickMs: server.tickMs as NonNullable<WsLoadReport['server']>['tickMs'],
            phaseMs: server.phaseMs as NonNullable<WsLoadReport['server']>['phaseMs'],
            clients: Number(server.clients),
            snapshotsDropped: Number(server.snapshotsDropped),
            rateLimited: Number(server.rateLimited),
            ...(server.gateway ? { gateway: server.gateway as GatewayStats } : {}),
          }
        : undefined,
    };
  } finally {
    clearInterval(act);
    for (const b of bots) b.c.close();
  }
}

import { hash01 } from '../../engine/rng/rng.ts';
import { queryRadius } from '../../engine/zone/grid.ts';
import { ENTITY_KIND, FLAG } from '../../engine/zone/layout.ts';
import type { SystemDef } from '../../engine/world/system.ts';
import { captureChance } from '../../ecology/breeding/breeding.ts';

/** A load scenario's bots and the enemies they fight. */
export interface BotParams {
  /** Bots in the whole world, spread evenly over zones. */
  count: number;
  /** Enemies to place at the start, by type (spread evenly over zones). */
  enemies?: Record<string, number>;
  enemyTypes?: string[];
  /** How often each bot does each thing, on average (seconds); 0 turns it off. */
  moveEveryS?: number;
  castEveryS?: number;
  chatEveryS?: number;
  captureEveryS?: number;
  /** Max HP of captured creatures, for the capture chance. */
  creatureMaxHp?: number;
}

/** Owners from here up are in-process bots (real players' sessions are numbered below). */
export const BOT_OWNER_BASE = 0x80000000;
const SKIP = FLAG.removed | FLAG.migrating | FLAG.dead;
const CHAT_LINES = ['anyone seen the wolves?', 'need heals', 'on my way', 'nice', 'pulling now'];

/**
 * In-process bots that play as players would: they walk about, cast Magic Missile at the nearest enemy in
 * range, chat and try to capture wounded creatures, by sending the same intents a client sends (the combat
 * system decides every outcome). Decisions come from a counter-based hash of (seed, tick, bot): deterministic.
 */
export const botSystem: SystemDef<BotParams> = {
  name: 'bots',
  init(ctx, p) {
    const z = ctx.zone;
    const g = z.geometry;
    const zones = ctx.world.zones.length;
    const share = (total: number): number => Math.floor(total / zones) + (g.id < total % zones ? 1 : 0);
    const rng = ctx.rng('init:bots');
    const x = z.f32('x');
    const y = z.f32('y');
    const hp = z.f32('hp');
    for (let k = 0, n = share(p.count); k < n; k++) {
      const i = ctx.spawn(ENTITY_KIND.player);
      x[i] = g.x0 + rng() * g.widthM;
      y[i] = g.y0 + rng() * g.heightM;
      hp[i] = 100;
      z.f32('mp')[i] = 100;
      z.u32('owner')[i] = BOT_OWNER_BASE + g.id * 1_000_000 + k;
    }
    const types = p.enemyTypes ?? Object.keys(p.enemies ?? {});
    for (const [type, total] of Object.entries(p.enemies ?? {})) {
      for (let k = 0, n = share(total); k < n; k++) {
        const i = ctx.spawn(ENTITY_KIND.enemy);
        z.u16('type')[i] = Math.max(0, types.indexOf(type));
        x[i] = g.x0 + rng() * g.widthM;
        y[i] = g.y0 + rng() * g.heightM;
        z.f32('homeX')[i] = x[i];
        z.f32('homeY')[i] = y[i];
        hp[i] = 80;
      }
    }
  },
  step(ctx, p) {
    const z = ctx.zone;
    const n = z.count;
    const kind = z.u8('kind');
    const flags = z.u8('flags');
    const owner = z.u32('owner');
    const id = z.u32('id');
    const x = z.f32('x');
    const y = z.f32('y');
    const hp = z.f32('hp');
    const rate = (s: number | undefined, fallback: number): number =>
      s === 0 ? 0 : ctx.dt / (s ?? fallback);
    const pMove = rate(p.moveEveryS, 2);
    const pCast = rate(p.castEveryS, 1);
    const pChat = rate(p.chatEveryS, 30);
    const pCapture = rate(p.captureEveryS, 20);
    const out = new Int32Array(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      if (kind[i] !== ENTITY_KIND.player || owner[i] < BOT_OWNER_BASE || flags[i] & SKIP) continue;
      const bot = id[i];
      const seed = ctx.seed;
      const tick = ctx.tick;
      if (hash01(seed, tick, bot, 1) < pMove) {
        const a = hash01(seed, tick, bot, 2) * 2 * Math.PI;
        const go = hash01(seed, tick, bot, 3) < 0.8 ? 1 : 0;
        ctx.inputs.push({ kind: 'move', entity: bot, dirX: Math.cos(a) * go, dirY: Math.sin(a) * go });
      }
      if (hash01(seed, tick, bot, 4) < pCast) {
        const k = queryRadius(z, x[i], y[i], 14, out);
        let best = -1;
        let bestD = Infinity;
        for (let q = 0; q < k; q++) {
          const j = out[q];
          if (kind[j] !== ENTITY_KIND.enemy || flags[j] & SKIP) continue;
          const d = (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2;
          if (d < bestD) {
            bestD = d;
            best = j;
          }
        }
        if (best >= 0) ctx.inputs.push({ kind: 'cast', entity: bot, slot: 1, target: id[best] });
      }
      if (hash01(seed, tick, bot, 5) < pChat)
        ctx.emit('chat', bot, {
          text: CHAT_LINES[Math.floor(hash01(seed, tick, bot, 6) * CHAT_LINES.length)],
        });
      if (hash01(seed, tick, bot, 7) < pCapture) {
        const k = queryRadius(z, x[i], y[i], 3, out);
        for (let q = 0; q < k; q++) {
          const j = out[q];
          if (kind[j] !== ENTITY_KIND.creature || flags[j] & SKIP) continue;
          const chance = captureChance(hp[j], p.creatureMaxHp ?? 40, { base: 0.5, k: 2 });
          const won = hash01(seed, tick, bot, 8) < chance;
          ctx.emit('capture', bot, { creature: id[j], chance, success: won });
          if (won) ctx.despawn(j);
          break;
        }
      }
    }
  },
};

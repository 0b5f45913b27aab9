import { hash01 } from '../rng/rng.ts';
import { ENTITY_KIND, FLAG } from '../zone/layout.ts';
import type { StepContext, SystemDef } from '../world/system.ts';

/** Parameters of the wanderer agent kind. */
export interface WanderParams {
  /** Wanderers in the whole world, spread evenly over zones at tick 0. */
  count?: number;
  speedMps?: number;
  /** Neighbours closer than this push the agent away. */
  avoidRadiusM?: number;
  /** Weight of the separation push against the wander heading. */
  avoidWeight?: number;
  /** Largest heading change per tick, in radians (small-angle rotation). */
  turnRad?: number;
  hp?: number;
}

const DEFAULTS: Required<WanderParams> = {
  count: 1000,
  speedMps: 1.4,
  avoidRadiusM: 1.0,
  avoidWeight: 1.5,
  turnRad: 0.3,
  hp: 100,
};
const SKIP = FLAG.removed | FLAG.migrating | FLAG.dead;
const WANDER_SALT = 0x57a1;

/**
 * Wanderers: walk with a slowly turning heading and steer away from neighbours within the avoidance
 * radius (separation from the spatial grid). Sets velocity only; `move` integrates it.
 */
export const wanderSystem: SystemDef<WanderParams> = {
  name: 'wander',
  init(ctx, params) {
    const p = { ...DEFAULTS, ...params };
    const z = ctx.zone;
    const g = z.geometry;
    const zones = ctx.world.zones.length;
    const n = Math.floor(p.count / zones) + (g.id < p.count % zones ? 1 : 0);
    const rng = ctx.rng('init:wander');
    const x = z.f32('x');
    const y = z.f32('y');
    const vx = z.f32('vx');
    const vy = z.f32('vy');
    const hp = z.f32('hp');
    for (let k = 0; k < n; k++) {
      const i = ctx.spawn(ENTITY_KIND.wanderer);
      x[i] = g.x0 + rng() * g.widthM;
      y[i] = g.y0 + rng() * g.heightM;
      const a = rng() * 2 * Math.PI;
      vx[i] = Math.cos(a) * p.speedMps;
      vy[i] = Math.sin(a) * p.speedMps;
      hp[i] = p.hp;
    }
  },
  step(ctx: StepContext, params) {
    const p = { ...DEFAULTS, ...params };
    const z = ctx.zone;
    const g = z.geometry;
    const n = z.count;
    const x = z.f32('x');
    const y = z.f32('y');
    const vx = z.f32('vx');
    const vy = z.f32('vy');
    const id = z.u32('id');
    const kind = z.u8('kind');
    const flags = z.u8('flags');
    const { cellStart, order } = z;
    const r = p.avoidRadiusM;
    const r2 = r * r;
    const inv = 1 / g.cellM;
    const cxMax = g.cellsX - 1;
    const cyMax = g.cellsY - 1;
    const speed = p.speedMps;
    const turn = p.turnRad * 2;
    const seed = ctx.seed;
    const tick = ctx.tick;
    for (let i = 0; i < n; i++) {
      if (kind[i] !== ENTITY_KIND.wanderer || flags[i] & SKIP) continue;
      const px = x[i];
      const py = y[i];
      let sx = 0;
      let sy = 0;
      let cx0 = Math.floor((px - r - g.x0) * inv);
      let cx1 = Math.floor((px + r - g.x0) * inv);
      let cy0 = Math.floor((py - r - g.y0) * inv);
      let cy1 = Math.floor((py + r - g.y0) * inv);
      if (cx0 < 0) cx0 = 0;
      if (cy0 < 0) cy0 = 0;
      if (cx1 > cxMax) cx1 = cxMax;
      if (cy1 > cyMax) cy1 = cyMax;
      for (let cy = cy0; cy <= cy1; cy++) {
        const row = cy * g.cellsX;
        for (let cx = cx0; cx <= cx1; cx++) {
          const c = row + cx;
          for (let s = cellStart[c], e = cellStart[c + 1]; s < e; s++) {
            const j = order[s];
            if (j === i) continue;
            const dx = px - x[j];
            const dy = py - y[j];
            const d2 = dx * dx + dy * dy;
            if (d2 < r2 && d2 > 1e-12) {
              const d = Math.sqrt(d2);
              // Linear falloff: full push when touching, none at the radius.
              const push = (r - d) / (r * d);
              sx += dx * push;
              sy += dy * push;
            }
          }
        }
      }
      let hx = vx[i];
      let hy = vy[i];
      let norm = Math.sqrt(hx * hx + hy * hy);
      if (norm < 1e-9) {
        hx = 1;
        hy = 0;
        norm = 1;
      }
      hx /= norm;
      hy /= norm;
      const t = (hash01(seed, tick, id[i], WANDER_SALT) - 0.5) * turn;
      let dx = hx - t * hy + p.avoidWeight * sx;
      let dy = hy + t * hx + p.avoidWeight * sy;
      const dn = Math.sqrt(dx * dx + dy * dy);
      if (dn < 1e-9) {
        dx = hx;
        dy = hy;
      } else {
        dx /= dn;
        dy /= dn;
      }
      vx[i] = dx * speed;
      vy[i] = dy * speed;
    }
  },
};

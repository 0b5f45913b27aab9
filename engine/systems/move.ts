import { FLAG } from '../zone/layout.ts';
import type { StepContext, SystemDef } from '../world/system.ts';
import { zoneAt } from '../world/system.ts';

const SKIP = FLAG.removed | FLAG.migrating | FLAG.dead;

/**
 * Integrates positions from velocities, keeps agents inside the world (bounce or stop at its edge) and
 * sends agents that cross a zone edge to the neighbour zone at the barrier.
 */
export const moveSystem: SystemDef = {
  name: 'move',
  readsGrid: false,
  movesEntities: true,
  step(ctx: StepContext) {
    const z = ctx.zone;
    const g = z.geometry;
    const w = ctx.world;
    const n = z.count;
    const x = z.f32('x');
    const y = z.f32('y');
    const vx = z.f32('vx');
    const vy = z.f32('vy');
    const flags = z.u8('flags');
    const dt = ctx.dt;
    const bounce = w.edge === 'bounce';
    const wrap = w.edge === 'wrap';
    const W = w.widthM;
    const H = w.heightM;
    const x1 = g.x0 + g.widthM;
    const y1 = g.y0 + g.heightM;
    // Largest float32 strictly below the world size: positions stay in [0, W).
    const maxX = Math.fround(W - W * 1e-6);
    const maxY = Math.fround(H - H * 1e-6);
    for (let i = 0; i < n; i++) {
      if (flags[i] & SKIP) continue;
      const vxi = vx[i];
      const vyi = vy[i];
      if (vxi === 0 && vyi === 0) continue;
      let nx = x[i] + vxi * dt;
      let ny = y[i] + vyi * dt;
      if (wrap) {
        if (nx < 0 || nx > maxX) nx = ((nx % W) + W) % W;
        if (ny < 0 || ny > maxY) ny = ((ny % H) + H) % H;
        if (nx > maxX) nx = 0;
        if (ny > maxY) ny = 0;
      }
      if (nx < 0 || nx > maxX) {
        if (bounce) {
          nx = nx < 0 ? -nx : 2 * maxX - nx;
          vx[i] = -vxi;
        } else vx[i] = 0;
        nx = nx < 0 ? 0 : nx > maxX ? maxX : nx;
      }
      if (ny < 0 || ny > maxY) {
        if (bounce) {
          ny = ny < 0 ? -ny : 2 * maxY - ny;
          vy[i] = -vyi;
        } else vy[i] = 0;
        ny = ny < 0 ? 0 : ny > maxY ? maxY : ny;
      }
      x[i] = nx;
      y[i] = ny;
      const fx = x[i];
      const fy = y[i];
      if (fx < g.x0 || fx >= x1 || fy < g.y0 || fy >= y1) ctx.migrate(i, zoneAt(w, fx, fy));
    }
  },
};

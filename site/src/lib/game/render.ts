import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import type { GameCatalog } from '../../../../engine/net/zone-server.ts';
import type { Floater, Telegraph } from './session.ts';
import type { Pos } from './interp.ts';

// Canvas 2D drawing of the world around the player. Kinds differ by shape as well as colour (colour-blind
// safe): players are circles, enemies diamonds, creatures rounded squares; telegraphs are hatched orange
// cones with a dashed outline.

const KIND = { player: 2, enemy: 3, creature: 4, projectile: 5 } as const;
const SPECIES_COLOURS = ['#b07b46', '#6b5a4a', '#8f8f3a', '#4a7a8f', '#7a4a8f'];

/** What one frame draws. */
export interface FrameInput {
  ctx: CanvasRenderingContext2D;
  width: number;
  height: number;
  /** Pixels per metre. */
  scale: number;
  camera: Pos;
  catalog: GameCatalog;
  entities: Iterable<SeenEntity>;
  positionOf(e: SeenEntity): Pos;
  playerId: number;
  targetId: number;
  hoverId: number;
  telegraphs: readonly Telegraph[];
  floaters: readonly Floater[];
  nowMs: number;
  maxHpOf(e: SeenEntity): number;
}

let hatch: CanvasPattern | null = null;
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (hatch) return hatch;
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d')!;
  g.fillStyle = 'rgba(255,140,0,0.28)';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = 'rgba(255,220,120,0.75)';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8);
  g.lineTo(8, 0);
  g.stroke();
  hatch = ctx.createPattern(c, 'repeat');
  return hatch;
}

/** Screen position of a world position. */
export function toScreen(f: Pick<FrameInput, 'width' | 'height' | 'scale' | 'camera'>, p: Pos): Pos {
  return { x: f.width / 2 + (p.x - f.camera.x) * f.scale, y: f.height / 2 + (p.y - f.camera.y) * f.scale };
}

/** World position of a screen position. */
export function toWorld(f: Pick<FrameInput, 'width' | 'height' | 'scale' | 'camera'>, p: Pos): Pos {
  return { x: f.camera.x + (p.x - f.width / 2) / f.scale, y: f.camera.y + (p.y - f.height / 2) / f.scale };
}

/** Draws one frame. */
export function drawFrame(f: FrameInput): void {
  const { ctx, width, height, scale } = f;
  const zone = f.catalog.zones[0];
  ctx.fillStyle = '#1d2b1f';
  ctx.fillRect(0, 0, width, height);
  // The zone floor and its grid.
  const tl = toScreen(f, { x: zone.x0, y: zone.y0 });
  ctx.fillStyle = '#2f4a31';
  ctx.fillRect(tl.x, tl.y, zone.widthM * scale, zone.heightM * scale);
  ctx.strokeStyle = 'rgba(255,255,255,0.05)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  const x0 = Math.max(zone.x0, f.camera.x - width / 2 / scale);
  const x1 = Math.min(zone.x0 + zone.widthM, f.camera.x + width / 2 / scale);
  const y0 = Math.max(zone.y0, f.camera.y - height / 2 / scale);
  const y1 = Math.min(zone.y0 + zone.heightM, f.camera.y + height / 2 / scale);
  for (let x = Math.ceil(x0 / zone.cellM) * zone.cellM; x <= x1; x += zone.cellM) {
    const s = toScreen(f, { x, y: 0 }).x;
    ctx.moveTo(s, toScreen(f, { x, y: y0 }).y);
    ctx.lineTo(s, toScreen(f, { x, y: y1 }).y);
  }
  for (let y = Math.ceil(y0 / zone.cellM) * zone.cellM; y <= y1; y += zone.cellM) {
    const s = toScreen(f, { x: 0, y }).y;
    ctx.moveTo(toScreen(f, { x: x0, y }).x, s);
    ctx.lineTo(toScreen(f, { x: x1, y }).x, s);
  }
  ctx.stroke();
  // Shrines.
  for (const sh of f.catalog.shrines ?? []) {
    const p = toScreen(f, sh);
    ctx.fillStyle = 'rgba(140,200,255,0.35)';
    ctx.beginPath();
    ctx.arc(p.x, p.y, 1.5 * scale, 0, Math.PI * 2);
    ctx.fill();
    ctx.strokeStyle = '#bfe3ff';
    ctx.stroke();
  }
  // Telegraphs under the entities.
  for (const t of f.telegraphs) {
    const p = toScreen(f, t);
    const half = ((t.angleDeg / 2) * Math.PI) / 180;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.arc(p.x, p.y, t.radiusM * scale, t.facing - half, t.facing + half);
    ctx.closePath();
    ctx.fillStyle = hatchPattern(ctx) ?? 'rgba(255,140,0,0.3)';
    ctx.fill();
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = '#ffb000';
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // Entities.
  for (const e of f.entities) {
    const w = f.positionOf(e);
    const p = toScreen(f, w);
    if (p.x < -40 || p.y < -40 || p.x > width + 40 || p.y > height + 40) continue;
    const r = (e.kind === KIND.projectile ? 0.25 : 0.6) * scale;
    ctx.globalAlpha = e.dead ? 0.45 : 1;
    ctx.beginPath();
    if (e.kind === KIND.enemy) {
      ctx.moveTo(p.x, p.y - r * 1.2);
      ctx.lineTo(p.x + r * 1.2, p.y);
      ctx.lineTo(p.x, p.y + r * 1.2);
      ctx.lineTo(p.x - r * 1.2, p.y);
      ctx.closePath();
      ctx.fillStyle = e.bits & 2 ? '#ff7a00' : '#d0445c';
    } else if (e.kind === KIND.creature) {
      ctx.roundRect(p.x - r, p.y - r, r * 2, r * 2, r * 0.5);
      ctx.fillStyle = SPECIES_COLOURS[e.type % SPECIES_COLOURS.length];
    } else {
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = e.kind === KIND.projectile ? '#ffe066' : e.id === f.playerId ? '#7cc4ff' : '#5b8def';
    }
    ctx.fill();
    if (e.id === f.playerId) {
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (e.id === f.targetId || e.id === f.hoverId) {
      ctx.strokeStyle = e.id === f.targetId ? '#ffe066' : 'rgba(255,255,255,0.6)';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r + 5, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    // HP bar when hurt (always for the target).
    const max = f.maxHpOf(e);
    if (e.kind !== KIND.projectile && max > 0 && (e.hp < max || e.id === f.targetId)) {
      const bw = 2 * r + 8;
      ctx.fillStyle = '#000a';
      ctx.fillRect(p.x - bw / 2, p.y - r - 10, bw, 4);
      ctx.fillStyle = e.kind === KIND.enemy ? '#ff5c7a' : '#6fdc6f';
      ctx.fillRect(p.x - bw / 2, p.y - r - 10, (bw * Math.max(0, Math.min(1, e.hp / max))) | 0, 4);
    }
  }
  // Floating numbers rise and fade over a second.
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const fl of f.floaters) {
    const age = (f.nowMs - fl.bornMs) / 1000;
    if (age > 1) continue;
    const p = toScreen(f, fl);
    ctx.globalAlpha = 1 - age;
    ctx.fillStyle = fl.heal ? '#7dff9a' : '#ffd34d';
    ctx.fillText(fl.text, p.x, p.y - 20 - age * 30);
  }
  ctx.globalAlpha = 1;
}

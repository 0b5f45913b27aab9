import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import { STATE_BIT } from '../../../../engine/net/snapshot.ts';
import { ENTITY_KIND } from '../../../../engine/zone/layout.ts';
import type { Pos } from './interpolation.ts';
import type { Floater, Telegraph } from './session.ts';

// Canvas 2D drawing of the world around the player. Kinds differ by shape as well as colour, so that
// nothing depends on telling red from green: players are circles, enemies diamonds, creatures rounded
// squares, projectiles small dots; hostiles carry a marker (a notch above them). Telegraphs are orange,
// hatched, with a dashed outline and a fill that grows until the attack lands.

/** The view: a camera in metres and a scale in CSS pixels per metre. */
export interface View {
  width: number;
  height: number;
  /** CSS pixels per metre. */
  scale: number;
  camera: Pos;
}

/** What one frame draws. */
export interface FrameInput extends View {
  ctx: CanvasRenderingContext2D;
  zone: { x0: number; y0: number; widthM: number; heightM: number; cellM: number };
  shrines: readonly Pos[];
  entities: Iterable<SeenEntity>;
  positionOf(e: SeenEntity): Pos;
  maxHpOf(e: SeenEntity): number;
  playerId: number;
  targetId: number;
  hoverId: number;
  telegraphs: readonly Telegraph[];
  /** The estimated server tick (telegraph progress). */
  serverTick: number;
  floaters: readonly Floater[];
  /** Where a floater's entity is drawn now (undefined when it is out of view). */
  floaterAt(f: Floater): Pos | undefined;
  /** The tick other entities are drawn at (floaters appear with what they describe). */
  renderTick: number;
  /** Ticks per second. */
  hz: number;
  /** A click-to-move goal to mark. */
  goal: Pos | null;
}

/** What a frame drew. */
export interface FrameStats {
  /** Entities inside the canvas. */
  drawn: number;
}

const SPECIES_COLOURS = ['#d9b26f', '#8c6a4f', '#9bbf5a', '#5ab0bf', '#b05abf', '#bf8a5a'];

/** The colour of a creature species (by its type index). */
export function speciesColour(type: number): string {
  return SPECIES_COLOURS[type % SPECIES_COLOURS.length];
}

/** Screen position (CSS px) of a world position. */
export function toScreen(v: View, p: Pos): Pos {
  return { x: v.width / 2 + (p.x - v.camera.x) * v.scale, y: v.height / 2 + (p.y - v.camera.y) * v.scale };
}

/** World position of a screen position (CSS px). */
export function toWorld(v: View, p: Pos): Pos {
  return { x: v.camera.x + (p.x - v.width / 2) / v.scale, y: v.camera.y + (p.y - v.height / 2) / v.scale };
}

const hatches = new WeakMap<CanvasRenderingContext2D, CanvasPattern | null>();
function hatch(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  let p = hatches.get(ctx);
  if (p === undefined) {
    const c = document.createElement('canvas');
    c.width = c.height = 10;
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgba(255,140,0,0.22)';
    g.fillRect(0, 0, 10, 10);
    g.strokeStyle = 'rgba(255,200,90,0.8)';
    g.lineWidth = 2;
    g.beginPath();
    // Diagonal stripes that tile seamlessly.
    g.moveTo(-1, 11);
    g.lineTo(11, -1);
    g.moveTo(-1, 1);
    g.lineTo(1, -1);
    g.moveTo(9, 11);
    g.lineTo(11, 9);
    g.stroke();
    p = ctx.createPattern(c, 'repeat');
    hatches.set(ctx, p);
  }
  return p ?? 'rgba(255,140,0,0.3)';
}

function drawGround(f: FrameInput): void {
  const { ctx, width, height, scale, zone } = f;
  ctx.fillStyle = '#101712';
  ctx.fillRect(0, 0, width, height);
  const tl = toScreen(f, { x: zone.x0, y: zone.y0 });
  ctx.fillStyle = '#2a4230';
  ctx.fillRect(tl.x, tl.y, zone.widthM * scale, zone.heightM * scale);
  // Grid lines on the zone's cells, only where the camera sees.
  const x0 = Math.max(zone.x0, f.camera.x - width / 2 / scale);
  const x1 = Math.min(zone.x0 + zone.widthM, f.camera.x + width / 2 / scale);
  const y0 = Math.max(zone.y0, f.camera.y - height / 2 / scale);
  const y1 = Math.min(zone.y0 + zone.heightM, f.camera.y + height / 2 / scale);
  const sy0 = toScreen(f, { x: 0, y: y0 }).y;
  const sy1 = toScreen(f, { x: 0, y: y1 }).y;
  const sx0 = toScreen(f, { x: x0, y: 0 }).x;
  const sx1 = toScreen(f, { x: x1, y: 0 }).x;
  for (const [step, style] of [
    [zone.cellM / 4, 'rgba(255,255,255,0.025)'],
    [zone.cellM, 'rgba(255,255,255,0.07)'],
  ] as const) {
    if (step * scale < 6) continue;
    ctx.strokeStyle = style;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = zone.x0 + Math.ceil((x0 - zone.x0) / step) * step; x <= x1; x += step) {
      const s = Math.round(toScreen(f, { x, y: 0 }).x) + 0.5;
      ctx.moveTo(s, sy0);
      ctx.lineTo(s, sy1);
    }
    for (let y = zone.y0 + Math.ceil((y0 - zone.y0) / step) * step; y <= y1; y += step) {
      const s = Math.round(toScreen(f, { x: 0, y }).y) + 0.5;
      ctx.moveTo(sx0, s);
      ctx.lineTo(sx1, s);
    }
    ctx.stroke();
  }
  // The zone's edge.
  ctx.strokeStyle = '#c9b6ff';
  ctx.lineWidth = 2;
  ctx.setLineDash([10, 6]);
  ctx.strokeRect(tl.x, tl.y, zone.widthM * scale, zone.heightM * scale);
  ctx.setLineDash([]);
}

function drawShrines(f: FrameInput): void {
  const { ctx, scale } = f;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const sh of f.shrines) {
    const p = toScreen(f, sh);
    ctx.fillStyle = 'rgba(140,200,255,0.18)';
    ctx.beginPath();
    ctx.arc(p.x, p.y, 3 * scale, 0, Math.PI * 2);
    ctx.fill();
    ctx.strokeStyle = '#bfe3ff';
    ctx.lineWidth = 2;
    ctx.beginPath();
    // A star-ish rune: two squares.
    const r = 1.1 * scale;
    ctx.rect(p.x - r / 1.4, p.y - r / 1.4, (2 * r) / 1.4, (2 * r) / 1.4);
    ctx.moveTo(p.x, p.y - r);
    ctx.lineTo(p.x + r, p.y);
    ctx.lineTo(p.x, p.y + r);
    ctx.lineTo(p.x - r, p.y);
    ctx.closePath();
    ctx.stroke();
    ctx.fillStyle = '#bfe3ff';
    ctx.fillText('Shrine', p.x, p.y + r + 14);
  }
}

function drawTelegraphs(f: FrameInput): void {
  const { ctx, scale } = f;
  for (const t of f.telegraphs) {
    if (t.resolveTick < f.serverTick - 0.5) continue;
    const p = toScreen(f, t);
    const half = ((t.angleDeg / 2) * Math.PI) / 180;
    const r = t.radiusM * scale;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.arc(p.x, p.y, r, t.facing - half, t.facing + half);
    ctx.closePath();
    ctx.fillStyle = hatch(ctx);
    ctx.fill();
    ctx.setLineDash([7, 4]);
    ctx.strokeStyle = '#ffb000';
    ctx.lineWidth = 2.5;
    ctx.stroke();
    ctx.setLineDash([]);
    // Progress: an inner cone grows to the full radius when the attack lands.
    const span = Math.max(1, t.resolveTick - t.startTick);
    const k = Math.min(1, Math.max(0, (f.serverTick - t.startTick) / span));
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.arc(p.x, p.y, r * k, t.facing - half, t.facing + half);
    ctx.closePath();
    ctx.fillStyle = 'rgba(255,150,0,0.35)';
    ctx.fill();
  }
}

function drawEntities(f: FrameInput): number {
  const { ctx, width, height, scale } = f;
  let drawn = 0;
  for (const e of f.entities) {
    const w = f.positionOf(e);
    const p = toScreen(f, w);
    if (p.x < -30 || p.y < -30 || p.x > width + 30 || p.y > height + 30) continue;
    drawn++;
    const isSelf = e.id === f.playerId;
    const r = e.kind === ENTITY_KIND.projectile ? Math.max(3, 0.22 * scale) : Math.max(5, 0.55 * scale);
    ctx.globalAlpha = e.dead ? 0.4 : 1;
    ctx.beginPath();
    if (e.kind === ENTITY_KIND.enemy) {
      const d = r * 1.25;
      ctx.moveTo(p.x, p.y - d);
      ctx.lineTo(p.x + d, p.y);
      ctx.lineTo(p.x, p.y + d);
      ctx.lineTo(p.x - d, p.y);
      ctx.closePath();
      ctx.fillStyle = e.bits & STATE_BIT.windup ? '#ff8c1a' : '#d6455d';
    } else if (e.kind === ENTITY_KIND.creature) {
      ctx.roundRect(p.x - r, p.y - r, r * 2, r * 2, r * 0.45);
      ctx.fillStyle = speciesColour(e.type);
    } else if (e.kind === ENTITY_KIND.projectile) {
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = '#ffe066';
    } else {
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.fillStyle = isSelf ? '#7cc4ff' : '#4f7fe0';
    }
    ctx.fill();
    if (isSelf || e.bits & STATE_BIT.casting) {
      ctx.strokeStyle = e.bits & STATE_BIT.casting ? '#ffe066' : '#ffffff';
      ctx.lineWidth = 2;
      ctx.stroke();
    }
    if (e.dead) {
      // A cross over the fallen (not only the fading).
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(p.x - r * 0.6, p.y - r * 0.6);
      ctx.lineTo(p.x + r * 0.6, p.y + r * 0.6);
      ctx.moveTo(p.x + r * 0.6, p.y - r * 0.6);
      ctx.lineTo(p.x - r * 0.6, p.y + r * 0.6);
      ctx.stroke();
    } else if (e.bits & STATE_BIT.hostile) {
      // The hostile marker: a downward notch above the entity.
      const top = p.y - r * 1.25 - 12;
      ctx.fillStyle = '#ffd34d';
      ctx.beginPath();
      ctx.moveTo(p.x - 4, top - 5);
      ctx.lineTo(p.x + 4, top - 5);
      ctx.lineTo(p.x, top + 1);
      ctx.closePath();
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    if (e.id === f.targetId || e.id === f.hoverId) {
      ctx.strokeStyle = e.id === f.targetId ? '#ffe066' : 'rgba(255,255,255,0.7)';
      ctx.lineWidth = 2;
      if (e.id === f.targetId) ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.arc(p.x, p.y, r * 1.3 + 5, 0, Math.PI * 2);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const max = f.maxHpOf(e);
    if (max > 0 && !e.dead) {
      const bw = Math.max(18, 2.4 * r);
      const by = p.y - r * 1.25 - 8;
      ctx.fillStyle = 'rgba(0,0,0,0.65)';
      ctx.fillRect(p.x - bw / 2 - 1, by - 1, bw + 2, 5);
      ctx.fillStyle =
        e.kind === ENTITY_KIND.enemy ? '#ff6b81' : e.kind === ENTITY_KIND.player ? '#5fe08a' : '#e8e4f8';
      ctx.fillRect(p.x - bw / 2, by, Math.round(bw * Math.max(0, Math.min(1, e.hp / max))), 3);
    }
  }
  return drawn;
}

function drawFloaters(f: FrameInput): void {
  const { ctx } = f;
  ctx.font = 'bold 15px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(0,0,0,0.75)';
  for (const fl of f.floaters) {
    const age = (f.renderTick - fl.tick) / f.hz;
    if (age < 0 || age > 1.2) continue;
    const at = f.floaterAt(fl) ?? fl;
    const p = toScreen(f, at);
    ctx.globalAlpha = Math.min(1, 1.6 - age * 1.3);
    ctx.fillStyle =
      fl.tone === 'heal'
        ? '#7dff9a'
        : fl.tone === 'hurt'
          ? '#ff8a8a'
          : fl.tone === 'info'
            ? '#d9d2ff'
            : '#ffd34d';
    const y = p.y - 26 - age * 30;
    ctx.strokeText(fl.text, p.x, y);
    ctx.fillText(fl.text, p.x, y);
  }
  ctx.globalAlpha = 1;
}

function drawGoal(f: FrameInput): void {
  if (!f.goal) return;
  const { ctx } = f;
  const p = toScreen(f, f.goal);
  ctx.strokeStyle = 'rgba(255,255,255,0.8)';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(p.x - 6, p.y - 6);
  ctx.lineTo(p.x + 6, p.y + 6);
  ctx.moveTo(p.x + 6, p.y - 6);
  ctx.lineTo(p.x - 6, p.y + 6);
  ctx.stroke();
}

/** Draws one frame; the context's transform maps CSS pixels (the page sets it for the device pixel ratio). */
export function drawFrame(f: FrameInput): FrameStats {
  drawGround(f);
  drawShrines(f);
  drawTelegraphs(f);
  drawGoal(f);
  const drawn = drawEntities(f);
  drawFloaters(f);
  return { drawn };
}

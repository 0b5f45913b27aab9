import { queryRadius } from '../zone/grid.ts';
import { ENTITY_KIND, FLAG } from '../zone/layout.ts';
import type { ZoneViews } from '../zone/zone.ts';
import type { SimInput, StepContext, SystemDef } from '../world/system.ts';
import { ticksOf } from './content.ts';
import type { CombatContent, EnemyTypeDef, SkillDef } from './content.ts';

// Length of (dx, dy). Not Math.hypot: V8's hypot allocates on every call, in loops run for every agent.
const len2 = (dx: number, dy: number): number => Math.sqrt(dx * dx + dy * dy);

/** Enemy FSM states (enemy-fsm.md); Return walks home and heals before Idle. */
export const FSM = { idle: 0, pursue: 1, windup: 2, attack: 3, recover: 4, return: 5 } as const;

/** Why a cast was refused (sent to the client, which shows it). */
export const REJECT = [
  'cooldown',
  'gcd',
  'mana',
  'range',
  'los',
  'dead',
  'stunned',
  'casting',
  'invalid-target',
  'unknown-skill',
] as const;

/** Params of the combat system: the resolved content. */
export type CombatParams = CombatContent;

const SLOTS = 8;
const GONE = FLAG.removed | FLAG.migrating;
const NONE = 0;

/** Per-thread compiled view of the content (ticks instead of seconds, indices instead of names). */
interface Compiled {
  classNames: string[];
  skillNames: string[];
  enemyNames: string[];
  classSkills: number[][];
  t: (s: number) => number;
}
const compiled = new WeakMap<object, Compiled>();
function compile(p: CombatParams, tickRate: number): Compiled {
  let c = compiled.get(p);
  if (!c) {
    const skillNames = Object.keys(p.skills);
    const classNames = Object.keys(p.classes);
    c = {
      classNames,
      skillNames,
      enemyNames: Object.keys(p.enemies),
      classSkills: classNames.map((n) => p.classes[n].skills.map((s) => skillNames.indexOf(s))),
      t: (s) => ticksOf(s, tickRate),
    };
    compiled.set(p, c);
  }
  return c;
}

// Per-thread scratch for grid queries (reused: a query per enemy per tick must not allocate).
let scratchBuf = new Int32Array(1024);
function scratch(n: number): Int32Array {
  if (scratchBuf.length < n) scratchBuf = new Int32Array(n * 2);
  return scratchBuf;
}

/** Zone views the combat code reads and writes, fetched once per tick. */
interface V {
  z: ZoneViews;
  id: Uint32Array;
  kind: Uint8Array;
  flags: Uint8Array;
  type: Uint16Array;
  x: Float32Array;
  y: Float32Array;
  vx: Float32Array;
  vy: Float32Array;
  hp: Float32Array;
  owner: Uint32Array;
  mp: Float32Array;
  cd: Uint32Array;
  gcd: Uint32Array;
  cast: Uint8Array;
  castEnd: Uint32Array;
  castTarget: Uint32Array;
  castTaken: Float32Array;
  target: Uint32Array;
  iframe: Uint32Array;
  respawnAt: Uint32Array;
  fsm: Uint8Array;
  fsmUntil: Uint32Array;
  fsmTarget: Uint32Array;
  homeX: Float32Array;
  homeY: Float32Array;
  facing: Float32Array;
  god: Uint8Array;
  blocked: Uint8Array;
  /** True once this tick's id index is built (on the first look-up). */
  indexed: boolean;
}

function views(z: ZoneViews): V {
  const id = z.u32('id');
  return {
    z,
    id,
    kind: z.u8('kind'),
    flags: z.u8('flags'),
    type: z.u16('type'),
    x: z.f32('x'),
    y: z.f32('y'),
    vx: z.f32('vx'),
    vy: z.f32('vy'),
    hp: z.f32('hp'),
    owner: z.u32('owner'),
    mp: z.f32('mp'),
    cd: z.u32('cd'),
    gcd: z.u32('gcd'),
    cast: z.u8('cast'),
    castEnd: z.u32('castEnd'),
    castTarget: z.u32('castTarget'),
    castTaken: z.f32('castTaken'),
    target: z.u32('target'),
    iframe: z.u32('iframe'),
    respawnAt: z.u32('respawnAt'),
    fsm: z.u8('fsm'),
    fsmUntil: z.u32('fsmUntil'),
    fsmTarget: z.u32('fsmTarget'),
    homeX: z.f32('homeX'),
    homeY: z.f32('homeY'),
    facing: z.f32('facing'),
    god: z.u8('god'),
    blocked: z.cell<Uint8Array>('blocked'),
    indexed: false,
  };
}

/** A living entity's index by id in this zone, or -1. */
// id → index, per thread, refilled for the zone being stepped; a stale slot fails the id check.
let idIndex = new Int32Array(1 << 16);
function find(v: V, id: number): number {
  if (id === NONE) return -1;
  if (!v.indexed) {
    let max = 0;
    for (let i = 0, n = v.z.count; i < n; i++) if (v.id[i] > max) max = v.id[i];
    if (max >= idIndex.length) idIndex = new Int32Array(Math.max(max + 1, idIndex.length * 2));
    for (let i = 0, n = v.z.count; i < n; i++) idIndex[v.id[i]] = i;
    v.indexed = true;
  }
  if (id >= idIndex.length) return -1;
  const i = idIndex[id];
  return i < v.z.count && v.id[i] === id && !(v.flags[i] & GONE) ? i : -1;
}
const alive = (v: V, i: number): boolean => i >= 0 && !(v.flags[i] & (GONE | FLAG.dead));
const dist = (v: V, a: number, b: number): number => len2(v.x[a] - v.x[b], v.y[a] - v.y[b]);

/** Grid line of sight: no `blocked` cell on the segment (DDA over the zone grid). */
export function lineOfSight(z: ZoneViews, x0: number, y0: number, x1: number, y1: number): boolean {
  const g = z.geometry;
  const blocked = z.cell<Uint8Array>('blocked');
  const steps = Math.ceil((len2(x1 - x0, y1 - y0) / g.cellM) * 2) + 1;
  for (let k = 0; k <= steps; k++) {
    const t = k / steps;
    if (blocked[z.cellAt(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)]) return false;
  }
  return true;
}

/**
 * The Mage, enemies and player life, each tick: inputs (join, move, target, cast, console), casts and
 * their effects (projectiles, areas, heals), the enemy FSM with telegraphed attacks, damage with
 * invulnerability frames, death and respawn. Every outcome is an event with stable entity ids.
 */
export const combatSystem: SystemDef<CombatParams> = {
  name: 'combat',
  fields: [
    { name: 'mp', type: 'f32' },
    { name: 'cd', type: 'u32', width: SLOTS },
    { name: 'gcd', type: 'u32' },
    { name: 'cast', type: 'u8' },
    { name: 'castEnd', type: 'u32' },
    { name: 'castTarget', type: 'u32' },
    { name: 'castTaken', type: 'f32' },
    { name: 'target', type: 'u32' },
    { name: 'iframe', type: 'u32' },
    { name: 'respawnAt', type: 'u32' },
    { name: 'fsm', type: 'u8' },
    { name: 'fsmUntil', type: 'u32' },
    { name: 'fsmTarget', type: 'u32' },
    { name: 'homeX', type: 'f32' },
    { name: 'homeY', type: 'f32' },
    { name: 'facing', type: 'f32' },
    { name: 'god', type: 'u8' },
  ],
  cellFields: [{ name: 'blocked', type: 'u8' }],
  step(ctx, p) {
    const c = compile(p, ctx.tickRate);
    const v = views(ctx.zone);
    for (const input of ctx.inputs) applyInput(ctx, p, c, v, input);
    const n = ctx.zone.count;
    for (let i = 0; i < n; i++) {
      if (v.flags[i] & GONE) continue;
      const k = v.kind[i];
      if (k === ENTITY_KIND.player) stepPlayer(ctx, p, c, v, i);
      else if (k === ENTITY_KIND.projectile) stepProjectile(ctx, p, c, v, i);
      else if (k === ENTITY_KIND.enemy) stepEnemy(ctx, p, c, v, i);
    }
  },
};

function applyInput(ctx: StepContext, p: CombatParams, c: Compiled, v: V, input: SimInput): void {
  if (input.kind === 'join') {
    const cls = String(input.classId ?? 'mage');
    const ci = c.classNames.indexOf(cls);
    if (ci < 0) return ctx.emit('join-rejected', 0, { owner: input.owner, reason: `unknown class '${cls}'` });
    const i = ctx.spawn(ENTITY_KIND.player);
    const def = p.classes[cls];
    v.type[i] = ci;
    v.owner[i] = Number(input.owner) >>> 0;
    v.x[i] = Number(input.x ?? p.shrines[0]?.x ?? 0);
    v.y[i] = Number(input.y ?? p.shrines[0]?.y ?? 0);
    v.hp[i] = def.hp;
    v.mp[i] = def.mp;
    ctx.emit('joined', 0, { owner: v.owner[i] });
    return;
  }
  const i = find(v, input.entity);
  if (i < 0 || v.kind[i] !== ENTITY_KIND.player) return;
  const dead = (v.flags[i] & FLAG.dead) !== 0;
  const def = p.classes[c.classNames[v.type[i]]];
  switch (input.kind) {
    case 'leave':
      ctx.despawn(i);
      return;
    case 'move': {
      if (dead) return;
      let dx = Number(input.dirX) || 0;
      let dy = Number(input.dirY) || 0;
      // The server owns speed: a direction longer than 1 is cut to 1.
      const len = Math.sqrt(dx * dx + dy * dy);
      if (len > 1) {
        dx /= len;
        dy /= len;
      }
      v.vx[i] = dx * def.moveSpeedMps;
      v.vy[i] = dy * def.moveSpeedMps;
      if ((dx !== 0 || dy !== 0) && v.cast[i]) {
        const skill = p.skills[c.skillNames[c.classSkills[v.type[i]][v.cast[i] - 1]]];
        if (skill.moveCancels) endCast(ctx, v, i, skill, 'moved', true);
      }
      return;
    }
    case 'target':
      v.target[i] = Number(input.target) >>> 0;
      return;
    case 'cast':
      castSeq = Number(input.seq ?? 0) >>> 0;
      return startCast(ctx, p, c, v, i, Number(input.slot), Number(input.target ?? v.target[i]) >>> 0);
    case 'console':
      return consoleCommand(ctx, p, c, v, i, String(input.command ?? ''));
  }
}

// The intent's sequence number travels back with a rejection so the client can match it to its request.
let castSeq = 0;
function reject(ctx: StepContext, v: V, i: number, skill: string, reason: (typeof REJECT)[number]): void {
  ctx.emit('cast-rejected', v.id[i], { skill, reason, seq: castSeq });
}

function startCast(
  ctx: StepContext,
  p: CombatParams,
  c: Compiled,
  v: V,
  i: number,
  slot: number,
  targetId: number,
): void {
  const tick = ctx.tick;
  const skills = c.classSkills[v.type[i]];
  const si = slot >= 1 && slot <= skills.length ? skills[slot - 1] : -1;
  if (si < 0) return reject(ctx, v, i, String(slot), 'unknown-skill');
  const name = c.skillNames[si];
  const s = p.skills[name];
  if (v.flags[i] & FLAG.dead) return reject(ctx, v, i, name, 'dead');
  if (v.cast[i]) return reject(ctx, v, i, name, 'casting');
  if (tick < v.cd[i * SLOTS + slot - 1]) return reject(ctx, v, i, name, 'cooldown');
  if (tick < v.gcd[i]) return reject(ctx, v, i, name, 'gcd');
  if (v.mp[i] < s.costMp) return reject(ctx, v, i, name, 'mana');
  let t = -1;
  if (s.target === 'enemy') {
    t = find(v, targetId);
    if (!alive(v, t) || v.kind[t] === ENTITY_KIND.player || v.kind[t] === ENTITY_KIND.projectile)
      return reject(ctx, v, i, name, 'invalid-target');
    if (dist(v, i, t) > s.rangeM) return reject(ctx, v, i, name, 'range');
    if (s.needsLos && !lineOfSight(v.z, v.x[i], v.y[i], v.x[t], v.y[t]))
      return reject(ctx, v, i, name, 'los');
  } else if (s.target === 'self-or-ally') {
    t = targetId ? find(v, targetId) : i;
    if (t < 0) t = i;
    if (!alive(v, t) || v.kind[t] !== ENTITY_KIND.player) return reject(ctx, v, i, name, 'invalid-target');
    if (dist(v, i, t) > s.rangeM) return reject(ctx, v, i, name, 'range');
  }
  v.mp[i] -= s.costMp;
  ctx.emit('cast', v.id[i], { skill: name, target: t >= 0 ? v.id[t] : 0, castTicks: c.t(s.castS) });
  if (s.castS > 0) {
    v.cast[i] = slot;
    v.castEnd[i] = tick + c.t(s.castS);
    v.castTarget[i] = t >= 0 ? v.id[t] : 0;
    v.castTaken[i] = 0;
    return;
  }
  v.gcd[i] = tick + c.t(p.classes[c.classNames[v.type[i]]].gcdS);
  v.cd[i * SLOTS + slot - 1] = tick + c.t(s.cooldownS);
  resolveSkill(ctx, p, c, v, i, si, t);
}

// Ends a cast early: moving cancels (mana back, no cooldown); damage interrupts (mana back, cooldown starts).
function endCast(
  ctx: StepContext,
  v: V,
  i: number,
  s: SkillDef,
  why: 'moved' | 'damage',
  refund: boolean,
  cooldownTicks = 0,
  slot = v.cast[i],
): void {
  if (refund) v.mp[i] += s.costMp;
  if (cooldownTicks > 0) v.cd[i * SLOTS + slot - 1] = ctx.tick + cooldownTicks;
  v.cast[i] = 0;
  ctx.emit('interrupt', v.id[i], { skill: s.name, reason: why });
}

function resolveSkill(
  ctx: StepContext,
  p: CombatParams,
  c: Compiled,
  v: V,
  i: number,
  si: number,
  t: number,
): void {
  const s = p.skills[c.skillNames[si]];
  if (s.effect === 'projectile' && t >= 0) {
    const j = ctx.spawn(ENTITY_KIND.projectile);
    v.type[j] = si;
    v.owner[j] = v.id[i];
    v.castTarget[j] = v.id[t];
    v.x[j] = v.x[i];
    v.y[j] = v.y[i];
  } else if (s.effect === 'area') {
    const out = scratch(v.z.count);
    const k = queryRadius(v.z, v.x[i], v.y[i], s.radiusM ?? 0, out);
    for (let q = 0; q < k; q++) {
      const e = out[q];
      if (!alive(v, e) || (v.kind[e] !== ENTITY_KIND.enemy && v.kind[e] !== ENTITY_KIND.creature)) continue;
      damage(ctx, p, c, v, e, s.damage ?? 0, i, false, c.skillNames[si]);
      if (s.knockbackM && alive(v, e)) knockback(ctx, p, c, v, e, i, s.knockbackM);
    }
  } else if (s.effect === 'heal' && t >= 0 && alive(v, t)) {
    const max = p.classes[c.classNames[v.type[t]]].hp;
    const before = v.hp[t];
    v.hp[t] = Math.min(max, v.hp[t] + (s.heal ?? 0));
    ctx.emit('heal', v.id[t], { source: v.id[i], amount: v.hp[t] - before, hp: v.hp[t] });
  }
}

function knockback(
  ctx: StepContext,
  p: CombatParams,
  c: Compiled,
  v: V,
  e: number,
  from: number,
  m: number,
): void {
  const dx = v.x[e] - v.x[from];
  const dy = v.y[e] - v.y[from];
  const d = Math.sqrt(dx * dx + dy * dy) || 1;
  const g = v.z.geometry;
  v.x[e] = Math.min(g.x0 + g.widthM - 0.01, Math.max(g.x0, v.x[e] + (dx / d) * m));
  v.y[e] = Math.min(g.y0 + g.heightM - 0.01, Math.max(g.y0, v.y[e] + (dy / d) * m));
  // Knockback during a wind-up cancels the attack.
  if (v.fsm[e] === FSM.windup) {
    v.fsm[e] = FSM.recover;
    v.fsmUntil[e] = ctx.tick + c.t(enemyDef(p, c, v, e).recoverS);
    ctx.emit('attack-cancelled', v.id[e], { reason: 'knockback' });
  }
}

function enemyDef(p: CombatParams, c: Compiled, v: V, e: number): EnemyTypeDef {
  return p.enemies[c.enemyNames[v.type[e]] ?? c.enemyNames[0]];
}

/** Applies damage: i-frames, god mode, the Recover multiplier, Heal interrupts, death. */
function damage(
  ctx: StepContext,
  p: CombatParams,
  c: Compiled,
  v: V,
  e: number,
  amount: number,
  source: number,
  fromFsm: boolean,
  what: string,
): void {
  const tick = ctx.tick;
  if (!alive(v, e)) return;
  const isPlayer = v.kind[e] === ENTITY_KIND.player;
  if (isPlayer && (tick < v.iframe[e] || v.god[e])) {
    ctx.emit('immune', v.id[e], { source: source >= 0 ? v.id[source] : 0, what });
    return;
  }
  let dmg = amount;
  if (!isPlayer && v.fsm[e] === FSM.recover) dmg *= enemyDef(p, c, v, e).recoverDamageMul;
  dmg = Math.round(dmg);
  v.hp[e] = Math.max(0, v.hp[e] - dmg);
  ctx.emit('hit', v.id[e], { source: source >= 0 ? v.id[source] : 0, what, damage: dmg, hp: v.hp[e] });
  if (isPlayer && fromFsm) v.iframe[e] = tick + c.t(p.life.hitIframesS);
  if (isPlayer && v.cast[e]) {
    const s = p.skills[c.skillNames[c.classSkills[v.type[e]][v.cast[e] - 1]]];
    v.castTaken[e] += dmg;
    if (s.interruptDamage !== undefined && v.castTaken[e] >= s.interruptDamage)
      endCast(ctx, v, e, s, 'damage', true, c.t(s.cooldownS));
  }
  if (!isPlayer && v.fsm[e] === FSM.idle && source >= 0 && v.kind[source] === ENTITY_KIND.player) {
    v.fsm[e] = FSM.pursue;
    v.fsmTarget[e] = v.id[source];
  }
  if (v.hp[e] <= 0) die(ctx, p, c, v, e);
}

function die(ctx: StepContext, p: CombatParams, c: Compiled, v: V, e: number): void {
  ctx.emit('death', v.id[e], { kind: v.kind[e] });
  if (v.kind[e] === ENTITY_KIND.player) {
    v.flags[e] |= FLAG.dead;
    v.vx[e] = v.vy[e] = 0;
    v.cast[e] = 0;
    v.respawnAt[e] = ctx.tick + c.t(p.life.respawnS);
  } else ctx.despawn(e);
}

function respawn(ctx: StepContext, p: CombatParams, c: Compiled, v: V, i: number): void {
  const def = p.classes[c.classNames[v.type[i]]];
  let best = p.shrines[0] ?? { x: v.x[i], y: v.y[i] };
  for (const s of p.shrines)
    if (len2(s.x - v.x[i], s.y - v.y[i]) < len2(best.x - v.x[i], best.y - v.y[i])) best = s;
  v.flags[i] &= ~FLAG.dead;
  v.x[i] = best.x;
  v.y[i] = best.y;
  v.hp[i] = def.hp;
  v.mp[i] = def.mp;
  v.iframe[i] = ctx.tick + c.t(p.life.respawnIframesS);
  ctx.emit('respawn', v.id[i], { x: best.x, y: best.y });
}

function stepPlayer(ctx: StepContext, p: CombatParams, c: Compiled, v: V, i: number): void {
  const tick = ctx.tick;
  if (v.flags[i] & FLAG.dead) {
    if (tick >= v.respawnAt[i]) respawn(ctx, p, c, v, i);
    return;
  }
  const def = p.classes[c.classNames[v.type[i]]];
  if (v.cast[i]) {
    if (tick >= v.castEnd[i]) {
      const slot = v.cast[i];
      const si = c.classSkills[v.type[i]][slot - 1];
      const s = p.skills[c.skillNames[si]];
      v.cast[i] = 0;
      v.gcd[i] = tick + c.t(def.gcdS);
      v.cd[i * SLOTS + slot - 1] = tick + c.t(s.cooldownS);
      resolveSkill(ctx, p, c, v, i, si, s.target === 'none' ? -1 : find(v, v.castTarget[i]));
    }
  } else v.mp[i] = Math.min(def.mp, v.mp[i] + def.mpRegenPerS * ctx.dt);
}

function stepProjectile(ctx: StepContext, p: CombatParams, c: Compiled, v: V, j: number): void {
  const s = p.skills[c.skillNames[v.type[j]]];
  const t = find(v, v.castTarget[j]);
  const caster = find(v, v.owner[j]);
  const miss = (why: string): void => {
    ctx.emit('miss', v.owner[j], { skill: s.name, target: v.castTarget[j], reason: why });
    ctx.despawn(j);
  };
  if (!alive(v, t)) return miss('target gone');
  if (caster >= 0 && dist(v, caster, t) > (s.missRangeM ?? Infinity)) return miss('out of range');
  const step = (s.speedMps ?? 20) * ctx.dt;
  const d = dist(v, j, t);
  if (d <= step) {
    damage(ctx, p, c, v, t, s.damage ?? 0, caster, false, s.name);
    ctx.despawn(j);
    return;
  }
  v.x[j] += ((v.x[t] - v.x[j]) / d) * step;
  v.y[j] += ((v.y[t] - v.y[j]) / d) * step;
}

function stepEnemy(ctx: StepContext, p: CombatParams, c: Compiled, v: V, e: number): void {
  const tick = ctx.tick;
  const d = enemyDef(p, c, v, e);
  if (v.fsmUntil[e] === 0 && v.homeX[e] === 0 && v.homeY[e] === 0) {
    v.homeX[e] = v.x[e];
    v.homeY[e] = v.y[e];
  }
  const t = find(v, v.fsmTarget[e]);
  const targetOk = alive(v, t) && v.kind[t] === ENTITY_KIND.player;
  const fromHome = len2(v.x[e] - v.homeX[e], v.y[e] - v.homeY[e]);
  switch (v.fsm[e]) {
    case FSM.idle: {
      // Idle enemies look around four times a second (staggered by id), like a server AI's think rate.
      const found = (tick + v.id[e]) % 5 === 0 ? nearestPlayer(v, e, d.aggroRadiusM) : -1;
      if (found >= 0) {
        v.fsm[e] = FSM.pursue;
        v.fsmTarget[e] = v.id[found];
        ctx.emit('fsm', v.id[e], { state: 'pursue', target: v.id[found] });
        return stepEnemy(ctx, p, c, v, e);
      }
      // Wander near home: a new point within the wander radius every couple of seconds.
      if (tick >= v.fsmUntil[e]) {
        const r = ctx.rng(`wander:${v.id[e]}`);
        const a = r() * 2 * Math.PI;
        const rad = r() * d.idleWanderM;
        v.facing[e] = a;
        v.fsmUntil[e] = tick + c.t(2);
        v.castTarget[e] = 0;
        moveToward(ctx, v, e, v.homeX[e] + Math.cos(a) * rad, v.homeY[e] + Math.sin(a) * rad, d.idleSpeedMps);
      } else if (Math.sqrt(v.vx[e] * v.vx[e] + v.vy[e] * v.vy[e]) > 0 && fromHome > d.idleWanderM)
        moveToward(ctx, v, e, v.homeX[e], v.homeY[e], d.idleSpeedMps);
      return;
    }
    case FSM.pursue: {
      if (!targetOk || fromHome > d.leashM || dist(v, e, t) > d.aggroRadiusM * 2) return goHome(ctx, v, e);
      face(v, e, v.x[t], v.y[t]);
      if (dist(v, e, t) <= d.attackRangeM) {
        v.vx[e] = v.vy[e] = 0;
        v.fsm[e] = FSM.windup;
        v.fsmUntil[e] = tick + c.t(d.windupS);
        ctx.emit('telegraph', v.id[e], {
          shape: 'cone',
          x: v.x[e],
          y: v.y[e],
          facing: v.facing[e],
          angleDeg: d.coneDeg,
          radiusM: d.coneRadiusM,
          resolveTick: v.fsmUntil[e],
        });
        return;
      }
      moveToward(ctx, v, e, v.x[t], v.y[t], d.pursueSpeedMps);
      return;
    }
    case FSM.windup:
      v.vx[e] = v.vy[e] = 0;
      if (tick < v.fsmUntil[e]) return;
      // The attack resolves on the tick the wind-up ends.
      v.fsm[e] = FSM.attack;
      return stepEnemy(ctx, p, c, v, e);
    case FSM.attack: {
      const half = ((d.coneDeg / 2) * Math.PI) / 180;
      const out = scratch(v.z.count);
      const k = queryRadius(v.z, v.x[e], v.y[e], d.coneRadiusM, out);
      for (let q = 0; q < k; q++) {
        const pl = out[q];
        if (!alive(v, pl) || v.kind[pl] !== ENTITY_KIND.player) continue;
        const ang = Math.atan2(v.y[pl] - v.y[e], v.x[pl] - v.x[e]) - v.facing[e];
        const wrapped = Math.atan2(Math.sin(ang), Math.cos(ang));
        if (Math.abs(wrapped) <= half + 1e-9) damage(ctx, p, c, v, pl, d.damage, e, true, 'attack');
      }
      v.fsm[e] = FSM.recover;
      v.fsmUntil[e] = tick + c.t(d.recoverS);
      return;
    }
    case FSM.recover:
      v.vx[e] = v.vy[e] = 0;
      if (tick < v.fsmUntil[e]) return;
      if (targetOk && fromHome <= d.leashM) {
        v.fsm[e] = FSM.pursue;
        ctx.emit('fsm', v.id[e], { state: 'pursue', target: v.fsmTarget[e] });
      } else goHome(ctx, v, e);
      return;
    case FSM.return: {
      const left = moveToward(ctx, v, e, v.homeX[e], v.homeY[e], d.pursueSpeedMps);
      if (left < 0.2) {
        v.vx[e] = v.vy[e] = 0;
        v.hp[e] = d.hp;
        v.fsm[e] = FSM.idle;
        v.fsmUntil[e] = tick;
        ctx.emit('fsm', v.id[e], { state: 'idle', hp: d.hp });
      }
      return;
    }
  }
}

function goHome(ctx: StepContext, v: V, e: number): void {
  v.fsm[e] = FSM.return;
  v.fsmTarget[e] = NONE;
  ctx.emit('fsm', v.id[e], { state: 'return' });
}

function face(v: V, e: number, tx: number, ty: number): void {
  v.facing[e] = Math.atan2(ty - v.y[e], tx - v.x[e]);
}

// Sets an enemy's velocity toward a point (not overshooting it this tick); returns the distance left.
function moveToward(ctx: StepContext, v: V, e: number, tx: number, ty: number, speed: number): number {
  const dx = tx - v.x[e];
  const dy = ty - v.y[e];
  const len = Math.sqrt(dx * dx + dy * dy);
  if (len < 1e-6) {
    v.vx[e] = v.vy[e] = 0;
    return 0;
  }
  const sp = Math.min(speed, len / ctx.dt);
  v.vx[e] = (dx / len) * sp;
  v.vy[e] = (dy / len) * sp;
  return len;
}

function nearestPlayer(v: V, e: number, radius: number): number {
  const out = scratch(v.z.count);
  const k = queryRadius(v.z, v.x[e], v.y[e], radius, out);
  let best = -1;
  let bestD = Infinity;
  for (let q = 0; q < k; q++) {
    const pl = out[q];
    if (!alive(v, pl) || v.kind[pl] !== ENTITY_KIND.player) continue;
    const dd = dist(v, e, pl);
    if (dd < bestD || (dd === bestD && v.id[pl] < v.id[best])) {
      best = pl;
      bestD = dd;
    }
  }
  return best;
}

function consoleCommand(
  ctx: StepContext,
  p: CombatParams,
  c: Compiled,
  v: V,
  i: number,
  command: string,
): void {
  const [cmd, ...args] = command.trim().split(/\s+/);
  const ok = (data: Record<string, unknown> = {}): void =>
    ctx.emit('console', v.id[i], { command, ok: true, ...data });
  const fail = (message: string): void => ctx.emit('console', v.id[i], { command, ok: false, message });
  switch (cmd) {
    case 'spawn': {
      const type = args[0] ?? c.enemyNames[0];
      const ti = c.enemyNames.indexOf(type);
      if (ti < 0) return fail(`unknown enemy type '${type}' (types: ${c.enemyNames.join(', ')})`);
      const n = Math.min(50, Math.max(1, Number(args[1] ?? 1) || 1));
      const g = ctx.zone.geometry;
      for (let k = 0; k < n; k++) {
        const e = ctx.spawn(ENTITY_KIND.enemy);
        const a = (2 * Math.PI * k) / n;
        v.type[e] = ti;
        v.x[e] = Math.min(g.x0 + g.widthM - 0.01, Math.max(g.x0, v.x[i] + Math.cos(a) * 6));
        v.y[e] = Math.min(g.y0 + g.heightM - 0.01, Math.max(g.y0, v.y[i] + Math.sin(a) * 6));
        v.homeX[e] = v.x[e];
        v.homeY[e] = v.y[e];
        v.hp[e] = p.enemies[type].hp;
        v.fsmUntil[e] = ctx.tick;
      }
      return ok({ spawned: n, type });
    }
    case 'reset': {
      for (let e = 0; e < ctx.zone.count; e++) {
        if (v.kind[e] === ENTITY_KIND.enemy || v.kind[e] === ENTITY_KIND.projectile) ctx.despawn(e);
        else if (v.kind[e] === ENTITY_KIND.player) {
          const def = p.classes[c.classNames[v.type[e]]];
          v.flags[e] &= ~FLAG.dead;
          v.hp[e] = def.hp;
          v.mp[e] = def.mp;
          v.cast[e] = 0;
        }
      }
      return ok();
    }
    case 'god':
      v.god[i] ^= 1;
      return ok({ god: v.god[i] === 1 });
    case 'kill':
      v.hp[i] = 0;
      die(ctx, p, c, v, i);
      return ok();
    case 'respawn':
      if (!(v.flags[i] & FLAG.dead)) return fail('not dead');
      respawn(ctx, p, c, v, i);
      return ok();
    case 'tp': {
      const tx = Number(args[0]);
      const ty = Number(args[1]);
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) return fail('usage: tp <x> <y>');
      v.x[i] = tx;
      v.y[i] = ty;
      return ok();
    }
    default:
      return fail(`unknown command '${cmd ?? ''}' (spawn, reset, god, kill, respawn, tp)`);
  }
}

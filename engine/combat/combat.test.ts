import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../world/world.ts';
import type { SimEvent } from '../world/system.ts';
import { ENTITY_KIND } from '../zone/layout.ts';
import { resolveContent } from './content.ts';
import type { CombatContentOverrides } from './content.ts';
import { COMBAT_PLUGIN, combatSystemsFor } from './plugin.ts';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

/** A one-zone arena with a Mage (owner 1) at (20, 20); returns helpers that step and look things up. */
async function arena(content: CombatContentOverrides = {}, workers = 0) {
  const w = await World.create({
    seed: 4,
    layout: { zonesX: 1, zonesY: 1, zoneWidthM: 60, zoneHeightM: 60, cellM: 2 },
    systems: combatSystemsFor({ shrines: [{ x: 5, y: 5 }], ...content }),
    plugins: [COMBAT_PLUGIN],
    workers,
  });
  worlds.push(w);
  const events: SimEvent[] = [];
  const step = async (n = 1): Promise<SimEvent[]> => {
    const out: SimEvent[] = [];
    for (let k = 0; k < n; k++) out.push(...(await w.step()).events);
    events.push(...out);
    return out;
  };
  const z = () => w.zones[0];
  const byKind = (kind: number): number[] =>
    Array.from(z().u32('id').subarray(0, z().count)).filter((_, i) => z().u8('kind')[i] === kind);
  const at = (id: number) => w.findEntity(id)!.index;
  const get = (id: number, field: string) => (z().f[field] as Float32Array)[at(id)];
  const input = (kind: string, entity: number, extra: Record<string, unknown> = {}) =>
    w.queueInput(0, { kind, entity, ...extra });
  w.queueInput(0, { kind: 'join', entity: 0, owner: 1, x: 20, y: 20 });
  await step();
  const mage = byKind(ENTITY_KIND.player)[0];
  return { w, step, events, byKind, at, get, input, mage, z };
}

describe('Mage skills', () => {
  it('Magic Missile: mana, GCD, cooldown, range; the homing missile hits and the HP drops', async () => {
    const a = await arena();
    a.input('console', a.mage, { command: 'spawn grunt 1' });
    await a.step();
    const grunt = a.byKind(ENTITY_KIND.enemy)[0];
    // Out of range (the grunt spawns 6 m away; move it to 16 m).
    a.z().f32('x')[a.at(grunt)] = 36;
    a.input('cast', a.mage, { slot: 1, target: grunt });
    expect((await a.step()).find((e) => e.kind === 'cast-rejected')?.data).toMatchObject({
      skill: 'magic-missile',
      reason: 'range',
    });
    a.z().f32('x')[a.at(grunt)] = 30;
    a.input('cast', a.mage, { slot: 1, target: grunt });
    const t0 = a.w.tick + 1;
    const ev = await a.step();
    expect(ev.find((e) => e.kind === 'cast')).toMatchObject({
      entity: a.mage,
      data: { skill: 'magic-missile', target: grunt },
    });
    // 8 MP spent, then this tick's regeneration (6 MP/s × 0.05 s).
    expect(a.get(a.mage, 'mp')).toBeCloseTo(100 - 8 + 0.3, 4);
    // The GCD (0.5 s = 10 ticks) blocks another skill; then Magic Missile's own 0.8 s cooldown (16 ticks) does.
    a.input('cast', a.mage, { slot: 2 });
    expect((await a.step()).find((e) => e.kind === 'cast-rejected')?.data).toMatchObject({
      skill: 'arcane-nova',
      reason: 'gcd',
    });
    await a.step(t0 + 10 - a.w.tick - 1);
    a.input('cast', a.mage, { slot: 1, target: grunt });
    expect((await a.step()).find((e) => e.kind === 'cast-rejected')?.data).toMatchObject({
      reason: 'cooldown',
    });
    // 10 m at 20 m/s: the hit lands half a second after the cast.
    const hits = a.events.filter((e) => e.kind === 'hit' && e.entity === grunt);
    expect(hits).toHaveLength(1);
    expect(hits[0].data).toMatchObject({ damage: 14, hp: 80 - 14 });
    expect(hits[0].tick - t0).toBeGreaterThanOrEqual(9);
    expect(hits[0].tick - t0).toBeLessThanOrEqual(11);
  });

  it('Magic Missile needs line of sight and misses when its target gets beyond 18 m first', async () => {
    const a = await arena();
    a.input('console', a.mage, { command: 'spawn grunt 1' });
    await a.step();
    const grunt = a.byKind(ENTITY_KIND.enemy)[0];
    a.z().f32('x')[a.at(grunt)] = 30;
    a.z().f32('y')[a.at(grunt)] = 20;
    // A wall of blocked cells between them.
    const blocked = a.z().cell<Uint8Array>('blocked');
    for (let y = 0; y < 60; y += 2) blocked[a.z().cellAt(25, y)] = 1;
    a.input('cast', a.mage, { slot: 1, target: grunt });
    expect((await a.step()).find((e) => e.kind === 'cast-rejected')?.data).toMatchObject({ reason: 'los' });
    blocked.fill(0);
    a.input('cast', a.mage, { slot: 1, target: grunt });
    await a.step();
    // The target blinks 25 m away while the missile flies.
    a.z().f32('x')[a.at(grunt)] = 45;
    const ev = await a.step(2);
    expect(ev.find((e) => e.kind === 'miss')?.data).toMatchObject({
      skill: 'Magic Missile',
      reason: 'out of range',
    });
    expect(ev.filter((e) => e.kind === 'hit')).toHaveLength(0);
  });

  it('Heal: a 1.2 s cast, cancelled by moving; 20 damage interrupts it with the mana back and the cooldown started', async () => {
    const a = await arena();
    a.z().f32('hp')[a.at(a.mage)] = 50;
    a.input('cast', a.mage, { slot: 3 });
    await a.step();
    expect(a.get(a.mage, 'mp')).toBeCloseTo(70, 3);
    a.input('move', a.mage, { dirX: 1, dirY: 0 });
    const moved = await a.step();
    expect(moved.find((e) => e.kind === 'interrupt')?.data).toMatchObject({ skill: 'Heal', reason: 'moved' });
    a.input('move', a.mage, { dirX: 0, dirY: 0 });
    await a.step(12);
    a.input('cast', a.mage, { slot: 3 });
    const start = a.w.tick + 1;
    await a.step();
    await a.step(23);
    const healed = await a.step();
    expect(healed.find((e) => e.kind === 'heal')).toMatchObject({
      entity: a.mage,
      data: { amount: 40, hp: 90 },
    });
    expect(a.w.tick - start).toBe(24); // 1.2 s at 20 Hz
  });
});

describe('enemy FSM and player life', () => {
  it('telegraphs the wind-up, hits a player who stays in the cone for 15, then i-frames protect for 0.4 s', async () => {
    const a = await arena();
    a.input('console', a.mage, { command: 'spawn grunt 1' });
    const ev = await a.step(60);
    const tele = ev.find((e) => e.kind === 'telegraph');
    expect(tele?.data).toMatchObject({ shape: 'cone', angleDeg: 90, radiusM: 2.2 });
    const hit = ev.find((e) => e.kind === 'hit' && e.entity === a.mage);
    expect(hit?.data).toMatchObject({ damage: 15, hp: 85 });
    // The hit lands exactly at the telegraph's resolve tick (0.6 s = 12 ticks after the wind-up starts).
    expect(hit?.tick).toBe((tele!.data as { resolveTick: number }).resolveTick);
    expect(hit!.tick - tele!.tick).toBe(12);
  });

  it('a player who leaves the cone before it resolves takes no damage', async () => {
    const a = await arena();
    a.input('console', a.mage, { command: 'spawn grunt 1' });
    let tele: SimEvent | undefined;
    for (let k = 0; k < 80 && !tele; k++) tele = (await a.step()).find((e) => e.kind === 'telegraph');
    expect(tele).toBeDefined();
    // Run away at 5 m/s: 3 m clear of a 2.2 m cone within the 0.6 s.
    const e = a.byKind(ENTITY_KIND.enemy)[0];
    const dx = a.get(a.mage, 'x') - a.get(e, 'x');
    const dy = a.get(a.mage, 'y') - a.get(e, 'y');
    const d = Math.hypot(dx, dy);
    a.input('move', a.mage, { dirX: dx / d, dirY: dy / d });
    const after = await a.step(12);
    expect(after.filter((x) => x.kind === 'hit' && x.entity === a.mage)).toHaveLength(0);
  });

  it('dies at 0 HP, ignores inputs while dead, respawns at the nearest shrine after 5 s with 2 s of i-frames', async () => {
    const a = await arena({
      shrines: [
        { x: 5, y: 5 },
        { x: 50, y: 50 },
      ],
    });
    a.input('console', a.mage, { command: 'kill' });
    const died = await a.step();
    expect(died.find((e) => e.kind === 'death')?.entity).toBe(a.mage);
    const deathTick = a.w.tick;
    a.input('move', a.mage, { dirX: 1, dirY: 0 });
    await a.step();
    expect(a.get(a.mage, 'vx')).toBe(0);
    const ev = await a.step(100);
    const r = ev.find((e) => e.kind === 'respawn');
    expect(r?.tick).toBe(deathTick + 100);
    expect(r?.data).toEqual({ x: 5, y: 5 });
    expect(a.get(a.mage, 'hp')).toBe(100);
    expect(a.z().u32('iframe')[a.at(a.mage)]).toBe(r!.tick + 40);
  });

  it('Arcane Nova knocks a winding-up enemy back 2.5 m and cancels its attack', async () => {
    const a = await arena();
    a.input('console', a.mage, { command: 'spawn grunt 1' });
    let tele: SimEvent | undefined;
    for (let k = 0; k < 80 && !tele; k++) tele = (await a.step()).find((e) => e.kind === 'telegraph');
    const e = a.byKind(ENTITY_KIND.enemy)[0];
    const before = Math.hypot(a.get(e, 'x') - a.get(a.mage, 'x'), a.get(e, 'y') - a.get(a.mage, 'y'));
    a.input('cast', a.mage, { slot: 2 });
    const ev = await a.step(7);
    expect(ev.find((x) => x.kind === 'hit' && x.entity === e)?.data).toMatchObject({ damage: 32 });
    expect(ev.find((x) => x.kind === 'attack-cancelled')?.entity).toBe(e);
    const after = Math.hypot(a.get(e, 'x') - a.get(a.mage, 'x'), a.get(e, 'y') - a.get(a.mage, 'y'));
    expect(after - before).toBeCloseTo(2.5, 1);
    expect(ev.filter((x) => x.kind === 'hit' && x.entity === a.mage)).toHaveLength(0);
  });

  it('rejects unknown console commands clearly, and the content is data', async () => {
    const a = await arena({ enemies: { grunt: { damage: 40 } } });
    a.input('console', a.mage, { command: 'fly' });
    expect((await a.step()).find((e) => e.kind === 'console')?.data).toMatchObject({
      ok: false,
      message: expect.stringMatching(/unknown command 'fly'/),
    });
    expect(resolveContent({ enemies: { grunt: { damage: 40 } } }).enemies.grunt).toMatchObject({
      damage: 40,
      hp: 80,
    });
  });

  it('a scripted fight gives the same world hash with 1, 2 and 4 workers', async () => {
    const trace = async (workers: number): Promise<string[]> => {
      const a = await arena({}, workers);
      a.input('console', a.mage, { command: 'spawn grunt 3' });
      const out: string[] = [];
      for (let t = 0; t < 60; t++) {
        if (t % 9 === 0) a.input('cast', a.mage, { slot: 1, target: a.byKind(ENTITY_KIND.enemy)[0] ?? 0 });
        if (t === 20) a.input('move', a.mage, { dirX: 0.6, dirY: 0.8 });
        await a.step();
        out.push(a.w.hash());
      }
      return out;
    };
    const base = await trace(0);
    for (const workers of [1, 2, 4]) expect(await trace(workers)).toEqual(base);
  });
});

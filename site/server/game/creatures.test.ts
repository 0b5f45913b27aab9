import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../../../engine/world/world.ts';
import { ENTITY_KIND } from '../../../engine/zone/layout.ts';
import { loadScenario } from '../../../lab/scenario/load.ts';
import { scenarioToWorldOptions } from '../../../lab/scenario/to-world.ts';
import { creatureHooks } from './creatures.ts';
import type { GameSpecies } from './creatures.ts';

const worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

async function area() {
  const s = await loadScenario(join(import.meta.dirname, '../../../scenarios/test-area.yaml'));
  const w = await World.create(scenarioToWorldOptions(s));
  worlds.push(w);
  let clock = 0;
  const hooks = creatureHooks({
    species: s.species as unknown as GameSpecies[],
    secret: 'test',
    now: () => clock,
  });
  w.queueInput(0, { kind: 'join', entity: 0, owner: 1, x: 64, y: 64 });
  await w.step();
  const z = w.zones[0];
  const ids = () => Array.from(z.u32('id').subarray(0, z.count));
  const me = ids().find((_, i) => z.u8('kind')[i] === ENTITY_KIND.player)!;
  const player = { entity: me, character: 1, name: 'Tester', zone: 0 };
  const deer = () =>
    ids().filter((_, i) => z.u8('kind')[i] === ENTITY_KIND.creature && z.u16('type')[i] === 0);
  const put = (id: number, hp: number) => {
    const i = w.findEntity(id)!.index;
    z.f32('x')[i] = 65;
    z.f32('y')[i] = 64;
    z.f32('hp')[i] = hp;
  };
  return { w, z, hooks, player, deer, put, tick: (ms: number) => (clock += ms) };
}

describe('creatures in the game: inspect, capture, roster, preview, breed', () => {
  it('inspect shows species and traits; capture needs range and wounds, then the creature leaves the world', async () => {
    const a = await area();
    const [d1] = a.deer();
    const info = await a.hooks.inspect(a.player, d1, a.w);
    expect(info).toMatchObject({ ok: true, species: 'deer', kind: ENTITY_KIND.creature });
    expect(Object.keys(info.traits as object)).toContain('speed');
    // Far away: refused with the distance.
    const i = a.w.findEntity(d1)!.index;
    a.z.f32('x')[i] = 120;
    expect(await a.hooks.capture(a.player, d1, a.w)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/too far/),
    });
    // Close but unhurt: the formula gives 0 %.
    a.put(d1, 40);
    a.tick(2000);
    expect(await a.hooks.capture(a.player, d1, a.w)).toMatchObject({ ok: true, success: false, chance: 0 });
    // Again at once: one attempt per GCD.
    expect(await a.hooks.capture(a.player, d1, a.w)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/per GCD/),
    });
    // Nearly dead: 0.35 × 0.975² ≈ 33 %; a few tries succeed.
    a.put(d1, 1);
    let got: Record<string, unknown> | undefined;
    for (let k = 0; k < 40 && !got?.success; k++) {
      a.tick(2000);
      got = await a.hooks.capture(a.player, d1, a.w);
    }
    expect(got).toMatchObject({ ok: true, success: true });
    expect((got!.roster as unknown[]).length).toBe(1);
    await a.w.step();
    expect(a.w.findEntity(d1)).toBeNull();
  });

  it('two captured deer preview and breed into the roster; a creature cannot breed with itself', async () => {
    const a = await area();
    const caught: number[] = [];
    for (const d of a.deer()) {
      if (caught.length === 2) break;
      a.put(d, 1);
      for (let k = 0; k < 40; k++) {
        a.tick(2000);
        const r = await a.hooks.capture(a.player, d, a.w);
        if (r.success) {
          caught.push(d);
          break;
        }
      }
    }
    expect(caught.length).toBe(2);
    const pv = await a.hooks.preview(a.player, caught[0], caught[1]);
    expect(pv).toMatchObject({ ok: true, preview: { species: 'deer' } });
    const b1 = await a.hooks.breed(a.player, caught[0], caught[1]);
    const b2 = await a.hooks.breed(a.player, caught[1], caught[0]);
    expect(b1).toMatchObject({ ok: true, born: true });
    expect(b2).toMatchObject({ ok: true, born: true });
    expect((b2.roster as unknown[]).length).toBe(4);
    expect(await a.hooks.breed(a.player, caught[0], caught[0])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/itself/),
    });
  });
});

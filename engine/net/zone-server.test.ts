import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITY_KIND } from '../zone/layout.ts';
import type { NetEvent } from './events.ts';
import { encodeClient } from './protocol.ts';
import { STATE_BIT } from './snapshot.ts';
import { recorder, sleep, testArea as makeTestArea, waitFor } from './test-area.ts';

for (const t of ['in-process', 'gateway'] as const)
  describe(`zone server over WebSocket (${t})`, () => {
    const testArea = (o: Parameters<typeof makeTestArea>[0] = {}, realtime = false) =>
      makeTestArea({ ...o, transport: t }, realtime);

    it('a bot joins, spawns an enemy from the console, casts Magic Missile and sees its HP drop', async () => {
      const a = await testArea();
      const rec = recorder();
      const bot = await a.connect('', { listeners: rec.listeners });
      await a.step(2);
      expect(bot.playerId).toBeGreaterThan(0);
      expect(bot.me()).toMatchObject({ kind: ENTITY_KIND.player, x: 10, y: 10 });
      expect(bot.self).toMatchObject({ hp: 100, maxHp: 100, dead: false });
      expect(bot.catalog?.classes.mage.skills.map((s) => s.name)).toEqual([
        'Magic Missile',
        'Arcane Nova',
        'Heal',
      ]);
      bot.console('spawn grunt 1');
      await a.step(2);
      const grunt = [...bot.world!.entities.values()].find((e) => e.kind === ENTITY_KIND.enemy)!;
      expect(grunt).toBeDefined();
      expect(grunt.bits & STATE_BIT.hostile).toBeTruthy();
      const hp0 = grunt.hp;
      // Out of range first: the server refuses with a reason, tagged with the request's sequence number.
      const far = bot.cast(1, 999_999);
      for (let k = 0; k < 20 && !rec.messages.some((m) => m.type === 'rejection'); k++) await a.step(1);
      expect(rec.messages.find((m) => m.type === 'rejection')).toMatchObject({
        seq: far,
        detail: 'Magic Missile: invalid-target',
      });
      bot.cast(1, grunt.id);
      for (let k = 0; k < 60 && bot.world!.entities.get(grunt.id)!.hp >= hp0; k++) await a.step(1);
      expect(bot.world!.entities.get(grunt.id)!.hp).toBeLessThan(hp0);
      expect(rec.events.some((e) => e.kind === 'cast' && e.entity === bot.playerId)).toBe(true);
      expect(rec.events.some((e) => e.kind === 'hit' && e.entity === grunt.id)).toBe(true);
      // Mana went down in the private block, and the cooldown is running.
      expect(bot.self!.mp).toBeLessThan(bot.self!.maxMp);
      expect(bot.self!.cooldownUntil[0]).toBeGreaterThan(0);
    });

    it('the wind-up telegraph arrives before the hit; leaving the cone means no damage', async () => {
      const a = await testArea();
      const rec = recorder();
      const bot = await a.connect('', { listeners: rec.listeners });
      bot.console('spawn grunt 1');
      let tele: (NetEvent & { tick: number }) | undefined;
      for (let k = 0; k < 200 && !tele; k++) {
        await a.step(1);
        tele = rec.events.find((e) => e.kind === 'telegraph');
      }
      expect(tele).toBeDefined();
      const enemy = bot.world!.entities.get(tele!.entity)!;
      expect(enemy.bits & STATE_BIT.windup).toBeTruthy();
      const resolve = Number(tele!.data.resolveTick);
      expect(resolve).toBeGreaterThan(tele!.tick);
      // Walk directly away from the enemy until the attack resolves.
      const me = bot.me()!;
      const d = Math.hypot(me.x - enemy.x, me.y - enemy.y) || 1;
      bot.move((me.x - enemy.x) / d, (me.y - enemy.y) / d);
      const hp = bot.self!.hp;
      while (a.world.tick <= resolve + 1) await a.step(1);
      bot.move(0, 0);
      expect(bot.self!.hp).toBe(hp);
      expect(rec.events.some((e) => e.kind === 'hit' && e.entity === bot.playerId)).toBe(false);
    });

    it('dies, respawns at the shrine, and a reconnect within 30 s resumes the same character', async () => {
      const a = await testArea();
      const rec = recorder();
      const bot = await a.connect('', { listeners: rec.listeners });
      bot.console('tp 30 30');
      await a.step(2);
      bot.console('kill');
      await a.step(2);
      expect(bot.self!.dead).toBe(true);
      expect(bot.me()!.dead).toBe(true);
      expect(rec.events.some((e) => e.kind === 'death' && e.entity === bot.playerId)).toBe(true);
      const respawnAt = bot.self!.respawnAt;
      expect(respawnAt).toBeGreaterThan(a.world.tick);
      while (a.world.tick < respawnAt + 1) await a.step(1);
      expect(bot.self!.dead).toBe(false);
      expect(bot.me()).toMatchObject({ x: 10, y: 10 });
      expect(rec.events.some((e) => e.kind === 'respawn' && e.entity === bot.playerId)).toBe(true);
      // Drop the connection and come back with the token.
      const { token, playerId } = bot;
      bot.close();
      await sleep(50);
      await a.step(3);
      const again = await a.connect(token);
      expect(again.playerId).toBe(playerId);
      await a.step(1);
      expect(again.me()?.id).toBe(playerId);
      // A forged token is refused with a clear error.
      await expect(a.connect(token.slice(0, -3) + 'AAA')).rejects.toThrow(/bad or foreign session token/);
    });

    it('a reconnect after the resume window gets a new character', async () => {
      let clock = 0;
      const a = await testArea({ now: () => clock, resumeMs: 1000 });
      const bot = await a.connect();
      const { token, playerId } = bot;
      bot.close();
      await sleep(50);
      await a.step(1);
      clock += 1500;
      await a.step(2);
      const again = await a.connect(token);
      expect(again.playerId).not.toBe(playerId);
    });

    it('malformed frames get an error code; 100,000 fuzzed frames never stop the server serving others', async () => {
      const a = await testArea({ rate: { ratePerS: 1e9, burst: 1e9 } });
      const rec = recorder();
      const good = await a.connect('', { listeners: rec.listeners });
      good.sendRaw(new Uint8Array([1, 99, 0]));
      good.sendRaw(encodeClient({ type: 'move', dirX: 0, dirY: 0, seq: 1 }).subarray(0, 5));
      await sleep(20);
      await waitFor(() => rec.messages.filter((m) => m.type === 'error').length >= 2, 'two errors');
      expect(
        rec.messages.filter((m) => m.type === 'error').map((m) => (m as { detail: string }).detail),
      ).toEqual(['unknown-type: message type 99', expect.stringMatching(/^truncated/)]);
      // A hostile in-process connection: random and mutated frames straight into the server's frame handler.
      let closed = false;
      const sent: number[] = [];
      const evil = a.server.accept({
        send: (b) => sent.push(b.length),
        sendSnapshot: (b) => sent.push(b.length),
        bufferedBytes: 0,
        close: () => (closed = true),
        remote: 'fuzz',
      });
      const valid = [
        encodeClient({ type: 'join', token: '' }),
        encodeClient({ type: 'cast', slot: 1, target: 1, aimX: 0, aimY: 0, seq: 1 }),
        encodeClient({ type: 'chat', text: 'hello' }),
        encodeClient({ type: 'console', command: 'spawn grunt 1' }),
      ];
      const frames = fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc
            .tuple(
              fc.constantFrom(...valid),
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
            )
            .map(([v, flips]) => {
              const f = v.slice();
              for (const [at, b] of flips) f[at % f.length] = b;
              return f;
            }),
        ),
        { numRuns: 100_000, seed: 42 },
      );
      const tick0 = a.world.tick;
      for (let k = 0; k < frames.length; k++) {
        evil.onFrame(frames[k]);
        if (k % 20_000 === 0) await a.step(1);
      }
      await a.step(2);
      expect(frames.length).toBe(100_000);
      expect(a.server.stats.malformed).toBeGreaterThan(10_000);
      // The good client kept getting every tick's snapshot.
      expect(good.tick).toBe(a.world.tick);
      expect(a.world.tick).toBeGreaterThanOrEqual(tick0 + 7);
      expect(sent.length).toBeGreaterThan(0);
      expect(typeof closed).toBe('boolean');
    });

    it('a client flooding 1,000 messages/s is rate-limited and the others keep the tick rate', async () => {
      const a = await testArea({}, true);
      const rec = recorder();
      const calm = await a.connect();
      const flooder = await a.connect('', { listeners: rec.listeners });
      await sleep(300);
      const t0 = calm.stats.snapshots;
      const tick0 = a.world.tick;
      const start = Date.now();
      // 1,000 messages per second for 2 s, in bursts of 10 every 10 ms.
      while (Date.now() - start < 2000) {
        for (let k = 0; k < 10; k++) flooder.chat('spam');
        await sleep(10);
      }
      const ticks = a.world.tick - tick0;
      const got = calm.stats.snapshots - t0;
      expect(a.server.stats.rateLimited).toBeGreaterThan(1000);
      expect(rec.messages.some((m) => m.type === 'error' && m.detail.includes('too many messages'))).toBe(
        true,
      );
      // At 20 Hz, 2 s is about 40 ticks; the calm client got a snapshot for (nearly) every one.
      expect(ticks).toBeGreaterThanOrEqual(34);
      expect(got).toBeGreaterThanOrEqual(ticks - 2);
    });
  });

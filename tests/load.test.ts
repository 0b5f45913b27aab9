import { describe, expect, it } from 'vitest';
import { World } from '../engine/world/world.ts';
import { ENTITY_KIND } from '../engine/zone/layout.ts';
import { loadScenario } from '../lab/scenario/load.ts';
import { scenarioToWorldOptions } from '../lab/scenario/to-world.ts';

describe('load scenario: in-process bots', () => {
  it('bots move, cast at enemies, chat and capture; the enemies fight back; identical with 0 and 2 workers', async () => {
    const base = await loadScenario('scenarios/load-20k.yaml', {
      overrides: [
        'bots.count=80',
        'enemies.grunt=240',
        'species.deer.count=400',
        'bots.captureEveryS=1',
        'bots.chatEveryS=2',
      ],
    });
    const trace = async (workers: number) => {
      const w = await World.create(scenarioToWorldOptions(base, { workers }));
      const kinds = new Map<string, number>();
      const hashes: string[] = [];
      try {
        for (let t = 0; t < 120; t++) {
          for (const e of (await w.step()).events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
          hashes.push(w.hash());
        }
        const players = w.zones.reduce(
          (n, z) =>
            n + Array.from(z.u8('kind').subarray(0, z.count)).filter((k) => k === ENTITY_KIND.player).length,
          0,
        );
        return { kinds, hashes, players, agents: w.agents };
      } finally {
        await w.close();
      }
    };
    const a = await trace(0);
    expect(a.players).toBe(80);
    for (const k of ['cast', 'hit', 'chat', 'capture', 'telegraph'])
      expect(a.kinds.get(k) ?? 0, `${k} events`).toBeGreaterThan(0);
    const b = await trace(2);
    expect(b.hashes).toEqual(a.hashes);
  });
});

import { describe, expect, it } from 'vitest';
import { World } from '../engine/world/world.ts';
import { loadScenario, parseScenario } from '../lab/scenario/load.ts';
import { scenarioToWorldOptions } from '../lab/scenario/to-world.ts';
import type { Scenario } from '../lab/scenario/schema.ts';
import { countSpecies } from '../ecology/life/ecology-system.ts';

// Runs a scenario inline and returns per-tick species counts (summed over zones).
async function populations(
  s: Scenario,
  seed: number,
  ticks: number,
  every = 50,
): Promise<Array<Record<string, number>>> {
  const w = await World.create(scenarioToWorldOptions(s, { seed }));
  const out: Array<Record<string, number>> = [];
  const names = (s.species ?? []).map((sp) => sp.name);
  try {
    for (let t = 1; t <= ticks; t++) {
      await w.step();
      if (t % every === 0 || t === ticks)
        out.push(
          Object.fromEntries(names.map((n, k) => [n, w.zones.reduce((a, z) => a + countSpecies(z, k), 0)])),
        );
    }
  } finally {
    await w.close();
  }
  return out;
}

describe('wolf-sheep-grass (NetLogo defaults)', () => {
  it('with grass, sheep and wolves coexist to tick 3000 in most seeds', async () => {
    const s = await loadScenario('scenarios/wolf-sheep-grass.yaml');
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let coexist = 0;
    for (const seed of seeds) {
      const pops = await populations(s, seed, 3000, 100);
      const last = pops.at(-1)!;
      if (last.sheep > 0 && last.wolf > 0) coexist++;
      // Populations oscillate: the wolves' count moves, it does not sit still.
      const wolves = pops.map((p) => p.wolf);
      if (last.wolf > 0)
        expect(Math.max(...wolves) - Math.min(...wolves), `seed ${seed}`).toBeGreaterThan(10);
    }
    expect(coexist, `seeds 1..10: ${coexist} coexisted`).toBeGreaterThanOrEqual(7);
  });

  it('without grass, both populations collapse by tick 1000 in most seeds', async () => {
    const text = await import('node:fs/promises').then((fs) =>
      fs.readFile('scenarios/wolf-sheep-grass.yaml', 'utf8'),
    );
    const s = parseScenario(text, { file: 'wolf-sheep-grass.yaml', overrides: ['grass.enabled=false'] });
    let collapsed = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const last = (await populations(s, seed, 1000, 1000)).at(-1)!;
      if (last.sheep === 0 && last.wolf === 0) collapsed++;
    }
    expect(collapsed).toBeGreaterThanOrEqual(7);
  });
});

describe('WolfSheep comparison models', () => {
  it('run their 100 steps with both species alive (large and small)', async () => {
    for (const file of ['scenarios/wolfsheep-large.yaml', 'scenarios/wolfsheep-small.yaml']) {
      const s = await loadScenario(file);
      const first = (await populations(s, 1, 1, 1))[0];
      // One step from the initial populations: some starve, eat or breed, none appear from nowhere.
      expect(first.sheep, file).toBeGreaterThan(s.species![0].count * 0.5);
      expect(first.sheep, file).toBeLessThan(s.species![0].count * 1.5);
      expect(first.wolf, file).toBeGreaterThan(s.species![1].count * 0.5);
      const last = (await populations(s, 1, 100, 100)).at(-1)!;
      expect(last.sheep + last.wolf, file).toBeGreaterThan(0);
    }
  });
});

const CAPPED = `
name: caps
kind: ecosystem
ticks: 60
tickRate: 1
world: { zonesX: 2, zonesY: 1, zoneWidthM: 6, zoneHeightM: 6, cellM: 2 }
species:
  - name: moss
    diet: herbivore
    count: 10
    movement: { mode: still }
    energy: { initial: 100, metabolism: 0 }
    reproduction: { mode: clone, probability: 0.9, energyShare: 0 }
    lifespanS: 25
    caps: { cellSoft: 2, cellHard: 4 }
ecology: { metricsEveryTicks: 1 }
`;

describe('population caps', () => {
  it('no cell ever exceeds its hard cap; births stop at it and resume below it', async () => {
    const s = parseScenario(CAPPED, { file: 'caps.yaml' });
    for (const workers of [0, 2]) {
      const w = await World.create(scenarioToWorldOptions(s, { seed: 3, workers }));
      const births: number[] = [];
      for (let t = 1; t <= 60; t++) {
        const r = await w.step();
        births.push(r.metrics.filter((m) => m.key === 'births').reduce((a, m) => a + m.value, 0));
        for (const z of w.zones) {
          const perCell = new Map<number, number>();
          const x = z.f32('x');
          const y = z.f32('y');
          for (let i = 0; i < z.count; i++) {
            const c = z.cellAt(x[i], y[i]);
            perCell.set(c, (perCell.get(c) ?? 0) + 1);
          }
          for (const [c, n] of perCell)
            expect(n, `workers ${workers}, tick ${t}, zone ${z.geometry.id}, cell ${c}`).toBeLessThanOrEqual(
              4,
            );
        }
      }
      await w.close();
      // Full by tick 20 (18 cells × 4 = 72 at most, all born from the first 10): births stop…
      expect(births.slice(15, 24).every((b) => b === 0)).toBe(true);
      // …the first generation dies of age at tick 26 and births resume.
      expect(births.slice(26, 40).some((b) => b > 0)).toBe(true);
    }
  });
});

describe('meadow-genetics determinism', () => {
  it('world hash is identical with 1, 2 and 4 workers (and inline) with breeding and migration on', async () => {
    const text = await import('node:fs/promises').then((fs) =>
      fs.readFile('scenarios/meadow-genetics.yaml', 'utf8'),
    );
    const s = parseScenario(text, {
      file: 'meadow-genetics.yaml',
      overrides: [
        'species.deer.count=1600',
        'species.boar.count=800',
        'species.wolf.count=120',
        'ecology.breedingIntervalS.min=0.2',
        'ecology.breedingIntervalS.max=0.6',
        'species.deer.reproduction.adultAgeS=0',
        'species.boar.reproduction.adultAgeS=0',
        'ecology.metricsEveryTicks=5',
      ],
    });
    const trace = async (
      workers: number,
    ): Promise<{ hashes: string[]; births: number; migrated: number }> => {
      const w = await World.create(scenarioToWorldOptions(s, { seed: 5, workers }));
      const hashes: string[] = [];
      let births = 0;
      const home = new Map<number, number>();
      for (const z of w.zones) for (const id of z.u32('id').subarray(0, z.count)) home.set(id, z.geometry.id);
      try {
        for (let t = 0; t < 50; t++) {
          const r = await w.step();
          births += r.metrics.filter((m) => m.key === 'births').reduce((a, m) => a + m.value, 0);
          hashes.push(w.hash());
        }
        let migrated = 0;
        for (const z of w.zones)
          for (const id of z.u32('id').subarray(0, z.count))
            if (home.has(id) && home.get(id) !== z.geometry.id) migrated++;
        return { hashes, births, migrated };
      } finally {
        await w.close();
      }
    };
    const base = await trace(0);
    expect(base.births).toBeGreaterThan(50);
    expect(base.migrated).toBeGreaterThan(10);
    for (const workers of [1, 2, 4]) {
      const other = await trace(workers);
      for (let t = 0; t < base.hashes.length; t++)
        expect(other.hashes[t], `seed 5, ${workers} workers, tick ${t + 1}`).toBe(base.hashes[t]);
    }
  });
});

describe('capture into a roster', () => {
  it('a wounded creature is captured with the spec chance; its genome and traits leave with it', async () => {
    const { attemptCapture, Roster } = await import('../ecology/breeding/roster.ts');
    const { genetics } = await import('../ecology/life/ecology-system.ts');
    const { streamFor } = await import('../engine/rng/rng.ts');
    const text = await import('node:fs/promises').then((fs) =>
      fs.readFile('scenarios/meadow-genetics.yaml', 'utf8'),
    );
    const s = parseScenario(text, {
      file: 'm.yaml',
      overrides: ['species.deer.count=40', 'species.boar.count=0', 'species.wolf.count=0'],
    });
    const w = await World.create(scenarioToWorldOptions(s, { seed: 2 }));
    try {
      const z = w.zones[0];
      const deer = s.species![0];
      const g = genetics(deer, 0);
      const genomeWidth = z.f.genome.length / z.capacity;
      const traitWidth = z.f.traits.length / z.capacity;
      const roster = new Roster('player-1', 2);
      let attempts = 0;
      let caught = 0;
      const rng = streamFor(2, 0, 0, 'capture');
      z.f32('hp').fill(4); // wounded to 10 % of 40 HP: chance = 0.5 × 0.9² ≈ 0.405
      for (let i = 0; i < z.count && roster.list().length < 2; i++) {
        attempts++;
        const r = attemptCapture({
          zone: z,
          index: i,
          species: deer.name,
          traitNames: g.program.names,
          genomeWidth,
          traitWidth,
          maxHp: 40,
          params: { base: 0.5, k: 2 },
          rng,
          tick: w.tick,
        });
        expect(r.chance).toBeCloseTo(0.405, 3);
        if (r.success) {
          caught++;
          expect(r.creature!.genome).toEqual(
            Array.from(z.f32('genome').subarray(i * genomeWidth, (i + 1) * genomeWidth)),
          );
          expect(r.creature!.traits.speed).toBeGreaterThan(0);
          expect(roster.add(r.creature!).ok).toBe(true);
        }
      }
      expect(caught).toBe(2);
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(roster.add({ ...roster.list()[0], id: 99 })).toEqual({ ok: false, reason: 'roster full (2)' });
    } finally {
      await w.close();
    }
  });
});

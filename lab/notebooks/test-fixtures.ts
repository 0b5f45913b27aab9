import { streamFromKey } from '../../engine/rng/rng.ts';
import { Recorder } from '../store/recorder.ts';

/** What `recordFixtureResults` wrote, for assertions. */
export interface FixtureSummary {
  sweepId: string;
  capValues: number[];
  seeds: number[];
  /** The load run's id and its tick durations. */
  loadRunId: string;
  loadDurationsMs: number[];
  /** Final wolf count (all zones) per sweep run id. */
  finalWolves: Map<string, number>;
}

/**
 * Fills a results directory through the Recorder (real Parquet segments, real run.json) with what the
 * shipped notebooks read: a sweep of a wolf cap (3 values × 2 seeds) with counts, births, deaths by cause,
 * heterozygosity, trait moments, allele frequencies and tick times; then one load run at 20 Hz with
 * agents, clients and bytes. Values come from seeded streams, so every call writes the same rows.
 */
export async function recordFixtureResults(root: string): Promise<FixtureSummary> {
  const sweepId = 'sweep-caps';
  const capValues = [4, 6, 8];
  const seeds = [1, 2];
  const finalWolves = new Map<string, number>();
  const zones = 2;
  const ticks = 60;
  for (const cap of capValues)
    for (const seed of seeds) {
      const runId = `eco-cap${cap}-s${seed}`;
      const rec = await Recorder.open({
        root,
        run: {
          runId,
          scenario: 'wolf-sheep',
          seed,
          sweepId,
          params: { 'species.wolf.caps.cellHard': cap, ticks },
          scenarioJson: { name: 'wolf-sheep', kind: 'ecosystem', tickRate: 20 },
        },
      });
      const rng = streamFromKey(runId);
      let wolves = [10, 10];
      let sheep = [80, 80];
      let pB = [0.5, 0.5];
      for (let tick = 1; tick <= ticks; tick++) {
        if (tick % 5 === 0)
          for (let zone = 0; zone < zones; zone++) {
            const births = Math.floor(rng() * cap);
            const starved = Math.floor(rng() * 3);
            const eaten = Math.floor(rng() * wolves[zone] * 0.5);
            wolves[zone] = Math.max(0, Math.min(cap * 4, wolves[zone] + births - starved));
            sheep[zone] = Math.max(0, sheep[zone] + 6 - eaten);
            pB[zone] = Math.min(1, Math.max(0, pB[zone] + (rng() - 0.45) * 0.05));
            const m = (species: string, key: string, value: number): void =>
              rec.record({ tick, zone, species, key, value });
            m('wolf', 'count', wolves[zone]);
            m('sheep', 'count', sheep[zone]);
            m('wolf', 'births', births);
            m('sheep', 'births', 6);
            m('wolf', 'deaths.starvation', starved);
            m('wolf', 'deaths.age', 0);
            m('sheep', 'deaths.predation', eaten);
            m('sheep', 'deaths.age', 1);
            m('wolf', 'heterozygosity', 2 * pB[zone] * (1 - pB[zone]));
            m('wolf', 'trait.speed.mean', 1 + pB[zone]);
            m('wolf', 'trait.speed.var', 0.1 * (1 - tick / 100));
            m('sheep', 'trait.speed.mean', 0.8);
            m('sheep', 'trait.speed.var', 0.05);
            rec.recordGene({ tick, zone, species: 'wolf', locus: 'coat', allele: 'B', freq: pB[zone] });
            rec.recordGene({ tick, zone, species: 'wolf', locus: 'coat', allele: 'b', freq: 1 - pB[zone] });
          }
        rec.recordTick({
          tick,
          durationMs: 1 + cap * 0.1 + rng(),
          agents: wolves[0] + wolves[1] + sheep[0] + sheep[1],
        });
        if (tick % 20 === 0) rec.recordHash(tick, `h${tick}`);
      }
      finalWolves.set(runId, wolves[0] + wolves[1]);
      wolves = [0, 0];
      sheep = [0, 0];
      pB = [0, 0];
      await rec.close('finished', `h${ticks}`);
    }

  const loadRunId = 'load-20k-s1';
  const load = await Recorder.open({
    root,
    run: {
      runId: loadRunId,
      scenario: 'load-20k',
      seed: 1,
      scenarioJson: { name: 'load-20k', kind: 'load', tickRate: 20 },
    },
  });
  const rng = streamFromKey(loadRunId);
  const loadDurationsMs: number[] = [];
  for (let tick = 1; tick <= 400; tick++) {
    const agents = Math.min(20_000, tick * 100);
    const durationMs = agents / 4000 + rng() * 2 + (tick % 97 === 0 ? 30 : 0);
    loadDurationsMs.push(durationMs);
    load.recordTick({ tick, durationMs, agents, bytesOut: 1400 * 50, clients: 50, late: durationMs > 50 });
  }
  await load.close('finished', 'load-hash');
  return { sweepId, capValues, seeds, loadRunId, loadDurationsMs, finalWolves };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../runner/run.ts';
import { loadScenario } from '../scenario/load.ts';
import '../scenario/to-world.ts';
import { ResultsReader } from '../store/reader.ts';
import { Recorder } from '../store/recorder.ts';
import { recorderSink } from '../store/run-sink.ts';
import { evaluateNotebook } from './notebook.ts';
import type { SqlCellResult } from './notebook.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'arcane-real-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a notebook over a real run', () => {
  it('renders population dynamics from a wolf-sheep-grass run recorded through the store', async () => {
    const scenario = await loadScenario(here('../../scenarios/wolf-sheep-grass.yaml'));
    const rec = await Recorder.open({
      root,
      run: {
        runId: 'wsg-1',
        scenario: scenario.name,
        seed: 1,
        scenarioJson: scenario,
        params: { ticks: 120 },
      },
    });
    const summary = await runScenario({ scenario, seed: 1, ticks: 120, sink: recorderSink(rec) });
    expect(summary.status).toBe('finished');

    const reader = await ResultsReader.open(root);
    try {
      const run = (await reader.runs())[0];
      expect(run).toMatchObject({
        run_id: 'wsg-1',
        status: 'finished',
        world_hash: summary.worldHash,
        last_tick: 120,
      });
      const r = await evaluateNotebook(readFileSync(here('../../notebooks/population-dynamics.md'), 'utf8'), {
        reader,
      });
      expect(r.params).toEqual({ run_id: 'wsg-1', prey: 'sheep', predator: 'wolf' });
      const cells = r.cells.filter((c): c is SqlCellResult => c.kind === 'sql');
      expect(cells.filter((c) => c.error).map((c) => c.error)).toEqual([]);
      // The population chart has a count per species per sample; sheep start at 100 and wolves at 50.
      const pop = cells.find((c) => c.hint.title === 'Animals alive, all zones');
      const species = new Set(pop?.rows.map((row) => row[1]));
      expect(species).toEqual(new Set(['sheep', 'wolf']));
      expect(pop?.spec).not.toBeNull();
      const deaths = cells.find((c) => c.hint.title === 'Births and deaths by cause');
      expect(deaths?.rows.length).toBeGreaterThan(0);
      // Replay data: the hashes the runner recorded, ending with the final world hash.
      const replay = await reader.replayData('wsg-1');
      expect(replay.hashes.get(120)).toBe(summary.worldHash);
    } finally {
      reader.close();
    }
  });
});

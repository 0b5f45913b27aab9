import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load.ts';
import { runScenario } from '../runner/run.ts';

describe('net probe in load runs', () => {
  it('reports snapshot bytes per bot and leaves the world hash unchanged', async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/load-20k.yaml'), {
      overrides: ['bots.count=40', 'enemies.grunt=200', 'species[0].count=400'],
    });
    const probed = await runScenario({ scenario, ticks: 40, netSample: 20 });
    const plain = await runScenario({ scenario, ticks: 40, netSample: 0 });
    expect(probed.worldHash).toBe(plain.worldHash);
    expect(plain.net).toBeUndefined();
    expect(probed.net).toMatchObject({ sampledClients: 20, bots: 40 });
    // Bots spread over 8 zones see a few entities each: tens of bytes per tick at least (headers, deltas).
    expect(probed.net!.bytesPerClientPerS).toBeGreaterThan(20 * 21);
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load.ts';
import { serveZone } from '../serve/serve.ts';
import type { ServedZone } from '../serve/serve.ts';
import { runWsLoad } from './ws-bots.ts';

let served: ServedZone | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

describe('arcane load: WebSocket bots against a zone process', () => {
  it('bots join, spread out, receive 20 snapshots a second and report the server’s tick times', async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/test-area.yaml'));
    served = await serveZone({ scenario });
    const r = await runWsLoad({ url: served.wsUrl, clients: 8, durationS: 2, warmupS: 1 });
    expect(r.connected).toBe(8);
    expect(r.errors).toMatchObject({ connect: 0, server: 0, badSnapshots: 0 });
    expect(r.snapshotsPerClientPerS.mean).toBeGreaterThan(14);
    expect(r.bytesPerClientPerS.mean).toBeGreaterThan(100);
    expect(r.rttMs.samples).toBeGreaterThan(0);
    expect(r.server?.clients).toBe(8);
    expect(r.server?.tickMs.p50).toBeGreaterThan(0);
    // They spread out: their positions differ (the console tp went through).
    const xs = new Set<number>();
    const z = served.world.zones[0];
    for (let i = 0; i < z.count; i++) if (z.u8('kind')[i] === 2) xs.add(Math.round(z.f32('x')[i]));
    expect(xs.size).toBeGreaterThan(4);
  });

  it('an unreachable server is reported, not thrown', async () => {
    const r = await runWsLoad({ url: 'ws://127.0.0.1:9/ws', clients: 2, durationS: 1, warmupS: 0 });
    expect(r.connected).toBe(0);
    expect(r.errors.connect).toBe(2);
    expect(r.firstError).toMatch(/cannot connect/);
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from './protocol.ts';
import { sleep, testArea, waitFor } from './test-area.ts';

describe('gateway processes', () => {
  it('serve a burst of 150 connections: every bot is welcomed and gets 20 snapshots a second', async () => {
    const a = await testArea({ transport: 'gateway' }, true);
    const bots = await Promise.all(Array.from({ length: 150 }, () => a.connect()));
    expect(a.gateways!.stats().connections).toBe(150);
    const before = bots.map((b) => b.stats.snapshots);
    await sleep(1000);
    const got = bots.map((b, k) => b.stats.snapshots - before[k]);
    expect(Math.min(...got)).toBeGreaterThanOrEqual(15);
    const s = a.gateways!.stats();
    expect(s.sendMs.p50).toBeGreaterThan(0);
    expect(s.backlog).toBeLessThanOrEqual(2);
  });

  it('a gateway that dies closes its connections; its replacement serves the reconnect, which resumes', async () => {
    const a = await testArea({ transport: 'gateway' }, true);
    let closed = false;
    const bot = await a.connect('', { listeners: { close: () => (closed = true) } });
    const { token, playerId } = bot;
    const [pid] = a.gateways!.stats().pids;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => closed, 'the bot to see its connection close');
    await waitFor(() => a.server.stats.clients === 0, 'the zone server to drop the client');
    await waitFor(() => {
      const p = a.gateways!.stats().pids;
      return p.length === 1 && p[0] !== pid;
    }, 'a replacement gateway');
    const again = await a.connect(token);
    expect(again.playerId).toBe(playerId);
    await waitFor(() => again.me()?.id === playerId, 'a snapshot with the character');
  });

  it('an oversize frame closes only that connection; the others keep playing', async () => {
    const a = await testArea({ transport: 'gateway' }, true);
    const calm = await a.connect();
    let code = 0;
    const rude = await a.connect('', { listeners: { close: (c: number) => (code = c) } });
    rude.sendRaw(new Uint8Array(MAX_FRAME_BYTES * 8));
    await waitFor(() => code !== 0, 'the oversize sender to be closed');
    expect(code).toBe(1009);
    const t = calm.tick;
    await waitFor(() => calm.tick > t + 5, 'the calm bot to keep getting snapshots');
    expect(calm.open).toBe(true);
  });

  it('a stalled gateway makes the zone drop its snapshots (the backlog stays bounded, the tick goes on); it recovers', async () => {
    const a = await testArea({ transport: 'gateway' }, true);
    const bots = await Promise.all(Array.from({ length: 20 }, () => a.connect()));
    const [pid] = a.gateways!.stats().pids;
    process.kill(pid, 'SIGSTOP');
    try {
      const tick0 = a.world.tick;
      const dropped0 = a.server.stats.snapshotsDropped;
      await sleep(1000);
      // About 20 ticks passed; after the first few batches every snapshot for its clients was dropped.
      expect(a.world.tick - tick0).toBeGreaterThanOrEqual(15);
      expect(a.server.stats.snapshotsDropped - dropped0).toBeGreaterThan(15 * 20 * 0.5);
      expect(a.gateways!.stats().backlog).toBeLessThanOrEqual(8);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const ticks = bots.map((b) => b.tick);
    await waitFor(
      () => bots.every((b, k) => b.tick > ticks[k] + 5),
      'snapshots again after the gateway resumed',
    );
  });
});

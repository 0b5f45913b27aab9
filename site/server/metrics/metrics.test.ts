import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMetrics, METRIC_NAMES, metricsHandler } from './metrics.ts';

describe('server metrics', () => {
  it('shows recorded values in the Prometheus exposition text', async () => {
    const m = createMetrics();
    m.tickDuration.observe({ zone: 'z1' }, 0.012);
    m.tickDuration.observe({ zone: 'z1' }, 0.03);
    m.agents.set({ zone: 'z1', kind: 'creature' }, 1234);
    m.connectedClients.set({ transport: 'ws' }, 17);
    m.bytesOut.inc({ transport: 'ws' }, 4096);
    m.assetQueueDepth.set({ state: 'queued' }, 3);
    m.snapshotQueueDepth.set({ zone: 'z1' }, 5);
    m.aiCall('ollama-chat', 'ok', 0.8);
    m.aiCall('ollama-chat', 'fallback');
    m.errors.inc({ kind: 'transport' });
    const { contentType, body } = await m.exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain(`${METRIC_NAMES.tickDuration}_count{zone="z1"} 2`);
    expect(body).toContain(`${METRIC_NAMES.tickDuration}_bucket{le="0.02",zone="z1"} 1`);
    expect(body).toContain(`${METRIC_NAMES.agents}{zone="z1",kind="creature"} 1234`);
    expect(body).toContain(`${METRIC_NAMES.connectedClients}{transport="ws"} 17`);
    expect(body).toContain(`${METRIC_NAMES.bytesOut}{transport="ws"} 4096`);
    expect(body).toContain(`${METRIC_NAMES.assetQueueDepth}{state="queued"} 3`);
    expect(body).toContain(`${METRIC_NAMES.snapshotQueueDepth}{zone="z1"} 5`);
    expect(body).toContain(`${METRIC_NAMES.aiCalls}{service="ollama-chat",outcome="ok"} 1`);
    expect(body).toContain(`${METRIC_NAMES.aiCalls}{service="ollama-chat",outcome="fallback"} 1`);
    expect(body).toContain(`${METRIC_NAMES.aiCallDuration}_count{service="ollama-chat"} 1`);
    expect(body).toContain(`${METRIC_NAMES.errors}{kind="transport"} 1`);
  });

  it('keeps registries apart (two servers in one process do not mix values)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.errors.inc({ kind: 'tick' }, 2);
    expect((await b.exposition()).body).not.toContain(`${METRIC_NAMES.errors}{kind="tick"}`);
  });

  it('serves GET /metrics over HTTP', async () => {
    const m = createMetrics({ processMetrics: true });
    m.connectedClients.set({ transport: 'ws' }, 2);
    const server = createServer(metricsHandler(m));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain(`${METRIC_NAMES.connectedClients}{transport="ws"} 2`);
      expect(text).toContain('arcane_process_cpu_seconds_total');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

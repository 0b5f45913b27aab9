import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name this server exports; the Grafana dashboard in ops/ queries exactly these. */
export const METRIC_NAMES = {
  tickDuration: 'arcane_tick_duration_seconds',
  agents: 'arcane_agents',
  connectedClients: 'arcane_connected_clients',
  bytesOut: 'arcane_bytes_out_total',
  assetQueueDepth: 'arcane_asset_queue_depth',
  snapshotQueueDepth: 'arcane_snapshot_queue_depth',
  aiCalls: 'arcane_ai_calls_total',
  aiCallDuration: 'arcane_ai_call_duration_seconds',
  assetRequests: 'arcane_asset_requests_total',
  errors: 'arcane_errors_total',
} as const;

/** Outcomes an AI call is counted under (`arcane_ai_calls_total{outcome}`). */
export const AI_OUTCOMES = ['ok', 'error', 'timeout', 'fallback', 'refused'] as const;
/** One of `AI_OUTCOMES`. */
export type AiOutcome = (typeof AI_OUTCOMES)[number];

/** What AI services report to; `ServerMetrics` implements it, tests may pass a stub or nothing. */
export interface AiCallObserver {
  aiCall(service: string, outcome: AiOutcome, durationS?: number): void;
}

/** The server's metrics: one prom-client registry and the instruments the game server and AI services update. */
export interface ServerMetrics extends AiCallObserver {
  readonly registry: Registry;
  /** Seconds one zone took to step one tick. */
  readonly tickDuration: Histogram<'zone'>;
  /** Live agents by zone and kind (player, enemy, creature, …). */
  readonly agents: Gauge<'zone' | 'kind'>;
  /** Connected game clients by transport (ws, geckos). */
  readonly connectedClients: Gauge<'transport'>;
  /** Bytes sent to game clients by transport. */
  readonly bytesOut: Counter<'transport'>;
  /** Asset jobs waiting (`state="queued"`) and generating (`state="running"`). */
  readonly assetQueueDepth: Gauge<'state'>;
  /** Snapshot frames waiting in outgoing client queues, by zone. */
  readonly snapshotQueueDepth: Gauge<'zone'>;
  /** AI calls by service (ollama-chat, offline-npc, ollama-embed, milvus, stable-diffusion, …) and outcome. */
  readonly aiCalls: Counter<'service' | 'outcome'>;
  /** Seconds per AI call by service. */
  readonly aiCallDuration: Histogram<'service'>;
  /** Asset requests by how they were served (cache, generated, fallback). */
  readonly assetRequests: Counter<'source'>;
  /** Errors by kind (tick, transport, ai, asset, storage, …). */
  readonly errors: Counter<'kind'>;
  /** The `/metrics` exposition text and its content type. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

/** Options for `createMetrics`. */
export interface MetricsOptions {
  /** Also export Node process metrics (CPU, heap, event-loop lag) under the `arcane_` prefix. */
  processMetrics?: boolean;
  /** Labels added to every series (for example `{ instance: 'zone-host-1' }`). */
  defaultLabels?: Record<string, string>;
}

/** Creates a fresh registry with the server's metrics (a new registry each call, so tests never collide). */
export function createMetrics(o: MetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (o.defaultLabels) registry.setDefaultLabels(o.defaultLabels);
  if (o.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'arcane_' });
  const registers = [registry];
  const tickDuration = new Histogram({
    name: METRIC_NAMES.tickDuration,
    help: 'Seconds one zone took to step one tick.',
    labelNames: ['zone'] as const,
    // 20 Hz leaves 50 ms per tick: resolve well below and just above the budget.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25],
    registers,
  });
  const agents = new Gauge({
    name: METRIC_NAMES.agents,
    help: 'Live agents by zone and kind.',
    labelNames: ['zone', 'kind'] as const,
    registers,
  });
  const connectedClients = new Gauge({
    name: METRIC_NAMES.connectedClients,
    help: 'Connected game clients by transport.',
    labelNames: ['transport'] as const,
    registers,
  });
  const bytesOut = new Counter({
    name: METRIC_NAMES.bytesOut,
    help: 'Bytes sent to game clients by transport.',
    labelNames: ['transport'] as const,
    registers,
  });
  const assetQueueDepth = new Gauge({
    name: METRIC_NAMES.assetQueueDepth,
    help: 'Asset generation jobs by state (queued, running).',
    labelNames: ['state'] as const,
    registers,
  });
  const snapshotQueueDepth = new Gauge({
    name: METRIC_NAMES.snapshotQueueDepth,
    help: 'Bytes waiting in outgoing client queues (snapshots and messages), by zone.',
    labelNames: ['zone'] as const,
    registers,
  });
  const aiCalls = new Counter({
    name: METRIC_NAMES.aiCalls,
    help: 'AI calls by service and outcome (ok, error, timeout, fallback, refused).',
    labelNames: ['service', 'outcome'] as const,
    registers,
  });
  const aiCallDuration = new Histogram({
    name: METRIC_NAMES.aiCallDuration,
    help: 'Seconds per AI call by service.',
    labelNames: ['service'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers,
  });
  const assetRequests = new Counter({
    name: METRIC_NAMES.assetRequests,
    help: 'Asset requests by how they were served (cache, generated, fallback).',
    labelNames: ['source'] as const,
    registers,
  });
  const errors = new Counter({
    name: METRIC_NAMES.errors,
    help: 'Errors by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  return {
    registry,
    tickDuration,
    agents,
    connectedClients,
    bytesOut,
    assetQueueDepth,
    snapshotQueueDepth,
    aiCalls,
    aiCallDuration,
    assetRequests,
    errors,
    aiCall(service, outcome, durationS) {
      aiCalls.inc({ service, outcome });
      if (durationS !== undefined) aiCallDuration.observe({ service }, durationS);
    },
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A plain Node HTTP handler for `GET /metrics` (mount it on the production server). */
export function metricsHandler(metrics: ServerMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    metrics.exposition().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics failed: ${String(err)}`);
      },
    );
  };
}

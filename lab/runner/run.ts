import { driveWorld, percentile } from '../../engine/world/scheduler.ts';
import type { TickReport } from '../../engine/world/world.ts';
import { World } from '../../engine/world/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import { scenarioToWorldOptions } from '../scenario/to-world.ts';
import type { RunSink } from './sink.ts';
import { resolveContent } from '../../engine/combat/content.ts';
import type { NetProbe } from '../load/net-probe.ts';

/** Tick-time percentiles in milliseconds. */
export interface TickPercentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Progress of a run, reported after each tick. */
export interface RunProgress {
  tick: number;
  ticks: number;
  agents: number;
  tickMs: number;
}

/** Options for one run of a scenario. */
export interface RunOptions {
  scenario: Scenario;
  seed?: number | string;
  ticks?: number;
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  onTick?: (report: TickReport, world: World) => void | Promise<void>;
  /** Where results go (DuckDB); nothing is recorded without one. */
  sink?: RunSink;
  /** Leave the first N ticks out of the tick-time percentiles (JIT warm-up); they still run and record. */
  warmupTicks?: number;
  /** Record the world hash every N ticks (and at the first and last tick). Default: max(10, ticks / 25). */
  hashEveryTicks?: number;
  /**
   * For scenarios with bots: run the zone server's snapshot encoder for this many bots after each tick and
   * report the bytes per client (default 100; 0 = off). Not counted in tick times.
   */
  netSample?: number;
  /** Pace ticks at the scenario's tick rate, as a server does (default: headless, as fast as it can). */
  realtime?: boolean;
}

/** What a run reports: the fields of `arcane run --json`. */
export interface RunSummary {
  scenario: string;
  seed: number | string;
  status: 'finished' | 'stopped';
  worldHash: string;
  ticks: number;
  agents: number;
  workers: number;
  tickMs: TickPercentiles;
  /** Ticks left out of the percentiles (warm-up). */
  warmupTicks: number;
  /** Ticks that took longer than the tick budget (1000 / tickRate ms): late at real-time pace. */
  lateTicks: number;
  wallMs: number;
  /** Load scenarios: snapshot bytes per bot per second the zone server would send (sampled bots). */
  net?: { bytesPerClientPerS: number; sampledClients: number; bots: number };
}

/** Runs a scenario headless to its tick count (or until aborted) and summarises it. */
export async function runScenario(o: RunOptions): Promise<RunSummary> {
  const ticks = o.ticks ?? o.scenario.ticks;
  const seed = o.seed ?? o.scenario.seed ?? 1;
  const world = await World.create(scenarioToWorldOptions(o.scenario, { workers: o.workers ?? 0, seed }));
  const t0 = performance.now();
  const sink = o.sink;
  // About 25 hashes per run by default: enough for replay to locate a divergence, cheap for big worlds.
  const every = Math.max(1, o.hashEveryTicks ?? Math.max(10, Math.ceil(ticks / 25)));
  let lastHash: string | null = null;
  let lastHashTick = -1;
  const sample = o.scenario.bots ? (o.netSample ?? 100) : 0;
  let probe: NetProbe | null = null;
  let netBytes = 0;
  let netTicks = 0;
  let netBots = 0;
  try {
    // The snapshot encoder is loaded only by load scenarios that measure it.
    if (sample > 0)
      probe = new (await import('../load/net-probe.ts')).NetProbe(world, {
        content: resolveContent(o.scenario.content ?? {}),
        sample,
      });
    if (sink) {
      await sink.hash(0, (lastHash = world.hash()));
      lastHashTick = 0;
    }
    const res = await driveWorld(world, {
      ticks,
      realtime: o.realtime,
      signal: o.signal,
      onTick: async (report, ms) => {
        await o.onTick?.(report, world);
        let bytesOut = 0;
        if (probe) {
          const n = probe.afterTick(report.events);
          netBytes += n.bytesPerClient;
          netTicks++;
          netBots = n.bots;
          bytesOut = Math.round(n.bytesPerClient * n.bots);
        }
        if (sink) {
          await sink.tick(report, { durationMs: ms, agents: world.agents, bytesOut });
          if (report.tick % every === 0 || report.tick === ticks) {
            await sink.hash(report.tick, (lastHash = world.hash()));
            lastHashTick = report.tick;
          }
        }
        o.onProgress?.({ tick: report.tick, ticks, agents: world.agents, tickMs: ms });
      },
    });
    const worldHash = world.hash();
    const status = res.aborted ? 'stopped' : 'finished';
    if (sink) {
      if (lastHashTick !== world.tick) await sink.hash(world.tick, worldHash);
      await sink.finish(status, worldHash);
    }
    return {
      scenario: o.scenario.name,
      seed,
      status,
      worldHash,
      ticks: world.tick,
      agents: world.agents,
      workers: world.workers,
      tickMs: summarise(res.durationsMs.subarray(Math.min(o.warmupTicks ?? 0, res.durationsMs.length))),
      warmupTicks: o.warmupTicks ?? 0,
      lateTicks: res.durationsMs
        .subarray(Math.min(o.warmupTicks ?? 0, res.durationsMs.length))
        .filter((ms) => ms > 1000 / world.config.tickRate).length,
      wallMs: performance.now() - t0,
      ...(probe && netTicks
        ? {
            net: {
              bytesPerClientPerS: Math.round((netBytes / netTicks) * world.config.tickRate),
              sampledClients: Math.min(sample, netBots),
              bots: netBots,
            },
          }
        : {}),
    };
  } catch (err) {
    await sink?.finish('failed', lastHash, err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await world.close();
  }
}

/** p50/p95/p99 of tick durations, rounded to microseconds. */
export function summarise(durationsMs: ArrayLike<number>): TickPercentiles {
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    p50: r(percentile(durationsMs, 50)),
    p95: r(percentile(durationsMs, 95)),
    p99: r(percentile(durationsMs, 99)),
  };
}

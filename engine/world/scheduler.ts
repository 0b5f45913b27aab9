import type { TickReport, World } from './world.ts';

/** Options for driving a world's ticks. */
export interface DriveOptions {
  /** Stop after this many ticks (default: until aborted). */
  ticks?: number;
  /** Real-time pacing at the world's tick rate (fixed timestep); false runs headless, as fast as it can. */
  realtime?: boolean;
  signal?: AbortSignal;
  /** Called after each tick with the report and the tick's wall time in milliseconds. */
  onTick?: (report: TickReport, durationMs: number) => void | Promise<void>;
}

/** What a drive did: ticks stepped, wall time per tick, ticks that started late (real-time only). */
export interface DriveResult {
  ticks: number;
  durationsMs: Float64Array;
  lateTicks: number;
  aborted: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Steps a world tick after tick: headless as fast as possible, or real-time with a fixed timestep
 * (deadlines at start + k·period, so pacing does not drift; a tick that starts a whole period late
 * counts as late). The clock paces the loop only; the simulation never reads it.
 */
export async function driveWorld(world: World, o: DriveOptions = {}): Promise<DriveResult> {
  const limit = o.ticks ?? Number.POSITIVE_INFINITY;
  const durations: number[] = [];
  const periodMs = 1000 / world.config.tickRate;
  const start = performance.now();
  let late = 0;
  let k = 0;
  while (k < limit && !o.signal?.aborted) {
    if (o.realtime) {
      const deadline = start + k * periodMs;
      const now = performance.now();
      if (now < deadline) await sleep(deadline - now);
      else if (now - deadline > periodMs) late++;
      if (o.signal?.aborted) break;
    }
    const t0 = performance.now();
    const report = await world.step();
    const ms = performance.now() - t0;
    durations.push(ms);
    k++;
    await o.onTick?.(report, ms);
  }
  return {
    ticks: k,
    durationsMs: Float64Array.from(durations),
    lateTicks: late,
    aborted: Boolean(o.signal?.aborted),
  };
}

/** Nearest-rank percentile of a list of numbers (p in [0, 100]). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

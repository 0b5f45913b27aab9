// Interpolation of remote entities. Snapshots arrive at the tick rate with network jitter; drawing them as they
// come would stutter. Instead the client estimates the server's tick at any local time (`TickClock`), draws
// other entities about 100 ms in the past, and blends between the two snapshots that bracket that moment
// (`InterpolationBuffer`). It never extrapolates: past the newest snapshot an entity stays where it was seen.

/** A position in metres. */
export interface Pos {
  x: number;
  y: number;
}

/** Options of a tick clock. */
export interface TickClockOptions {
  /** The tick rate the server announced (used until enough snapshots were seen to measure it). */
  nominalHz: number;
  /** Snapshot arrivals of the last this many ms fit the clock (default 2,000). */
  windowMs?: number;
}

/**
 * The server's tick as a function of local time, fitted to snapshot arrivals. The rate is measured rather
 * than assumed (the dev console's `tick-rate` changes how fast ticks pass); the offset follows the
 * least-delayed arrivals, since network delay only ever makes a snapshot late, never early.
 */
export class TickClock {
  private readonly ticks: number[] = [];
  private readonly times: number[] = [];
  private rate: number;
  private offset = 0;
  private readonly windowMs: number;

  constructor(private readonly o: TickClockOptions) {
    this.rate = o.nominalHz / 1000;
    this.windowMs = o.windowMs ?? 2000;
  }

  /** Ticks per second as measured (the nominal rate until two seconds of snapshots were seen). */
  get hz(): number {
    return this.rate * 1000;
  }

  /** Whether any snapshot was observed. */
  get started(): boolean {
    return this.ticks.length > 0;
  }

  /** A snapshot of server tick `tick` arrived at local time `atMs`. */
  observe(tick: number, atMs: number): void {
    const n = this.ticks.length;
    // A tick that goes backwards is a new server (a reconnect after a restart): start over.
    if (n && tick < this.ticks[n - 1]) this.reset();
    this.ticks.push(tick);
    this.times.push(atMs);
    while (this.times.length > 8 && atMs - this.times[0] > this.windowMs) {
      this.ticks.shift();
      this.times.shift();
    }
    this.fit();
  }

  /** The (fractional) server tick at local time `ms`. */
  tickAt(ms: number): number {
    return this.offset + this.rate * ms;
  }

  /** Forgets every observation. */
  reset(): void {
    this.ticks.length = 0;
    this.times.length = 0;
    this.rate = this.o.nominalHz / 1000;
  }

  private fit(): void {
    const n = this.ticks.length;
    const t = this.times;
    const k = this.ticks;
    const nominal = this.o.nominalHz / 1000;
    if (n >= 8 && t[n - 1] - t[0] >= this.windowMs / 2) {
      // Least-squares slope of tick over time; jitter averages out over the window.
      let mt = 0;
      let mk = 0;
      for (let i = 0; i < n; i++) {
        mt += t[i];
        mk += k[i];
      }
      mt /= n;
      mk /= n;
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        num += (t[i] - mt) * (k[i] - mk);
        den += (t[i] - mt) * (t[i] - mt);
      }
      const slope = den > 0 ? num / den : nominal;
      this.rate = Math.min(nominal * 5, Math.max(nominal / 25, slope));
    } else this.rate = nominal;
    let best = -Infinity;
    for (let i = 0; i < n; i++) best = Math.max(best, k[i] - this.rate * t[i]);
    this.offset = best;
  }
}

/** Options of an interpolation buffer. */
export interface InterpolationOptions {
  /** Snapshots kept (default 16: 800 ms at 20 Hz). */
  keep?: number;
  /** Two bracketing positions farther apart than this are a jump (teleport, respawn): no blending (default 6 m). */
  snapM?: number;
}

/** Snapshot positions by tick, sampled at a fractional tick between the two snapshots that bracket it. */
export class InterpolationBuffer {
  private readonly ticks: number[] = [];
  private readonly frames = new Map<number, ReadonlyMap<number, Pos>>();
  private readonly keep: number;
  private readonly snapM: number;
  // The bracket of the last sampled tick: a frame samples hundreds of entities at the same tick.
  private cacheT = NaN;
  private before: ReadonlyMap<number, Pos> | undefined;
  private after: ReadonlyMap<number, Pos> | undefined;
  private fraction = 0;

  constructor(o: InterpolationOptions = {}) {
    this.keep = o.keep ?? 16;
    this.snapM = o.snapM ?? 6;
  }

  /**
   * Adds a snapshot's positions. The map is kept as is (the game client builds a new one per snapshot), so
   * it must not be mutated afterwards. Ticks may arrive out of order; a duplicate tick replaces.
   */
  push(tick: number, positions: ReadonlyMap<number, Pos>): void {
    if (!this.frames.has(tick)) {
      this.ticks.push(tick);
      // Nearly always appended in order: one insertion step.
      for (let i = this.ticks.length - 1; i > 0 && this.ticks[i - 1] > tick; i--)
        [this.ticks[i - 1], this.ticks[i]] = [this.ticks[i], this.ticks[i - 1]];
    }
    this.frames.set(tick, positions);
    while (this.ticks.length > this.keep) this.frames.delete(this.ticks.shift()!);
    this.cacheT = NaN;
  }

  /** The newest tick held, or -1. */
  get latest(): number {
    return this.ticks.length ? this.ticks[this.ticks.length - 1] : -1;
  }

  /** The oldest tick held, or -1. */
  get oldest(): number {
    return this.ticks.length ? this.ticks[0] : -1;
  }

  /** Forgets every snapshot (a new connection). */
  clear(): void {
    this.ticks.length = 0;
    this.frames.clear();
    this.cacheT = NaN;
  }

  private bracket(t: number): void {
    if (t === this.cacheT) return;
    this.cacheT = t;
    this.before = undefined;
    this.after = undefined;
    this.fraction = 0;
    const ticks = this.ticks;
    // The last tick ≤ t (binary search; the list is short but sampled per entity).
    let lo = 0;
    let hi = ticks.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ticks[mid] <= t) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at >= 0) this.before = this.frames.get(ticks[at]);
    if (at + 1 < ticks.length) this.after = this.frames.get(ticks[at + 1]);
    if (at >= 0 && at + 1 < ticks.length) this.fraction = (t - ticks[at]) / (ticks[at + 1] - ticks[at]);
  }

  /**
   * Where entity `id` is at fractional tick `t`: blended between the two snapshots around `t` when both
   * have it, the one that has it otherwise (an entity entering or leaving view), undefined when neither
   * does. Before the oldest snapshot it is where the oldest saw it; after the newest, where the newest did.
   */
  sample(id: number, t: number): Pos | undefined {
    this.bracket(t);
    const a = this.before?.get(id);
    const b = this.after?.get(id);
    if (a && b) {
      if (Math.abs(b.x - a.x) > this.snapM || Math.abs(b.y - a.y) > this.snapM)
        return this.fraction < 0.5 ? { x: a.x, y: a.y } : { x: b.x, y: b.y };
      const f = this.fraction;
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    const p = a ?? b;
    return p && { x: p.x, y: p.y };
  }
}

/** Interpolation delay in ticks: about 100 ms, and never less than 1.5 snapshot intervals (slow tick rates). */
export function interpolationDelayTicks(hz: number, delayMs = 100): number {
  return Math.max(1.5, (delayMs * hz) / 1000);
}

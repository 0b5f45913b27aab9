// Interpolation of remote entities: positions are drawn a little in the past (two snapshots back), between
// the two snapshots that bracket the render time, so movement is smooth whatever the network jitter.

/** An entity position at a server tick. */
export interface Pos {
  x: number;
  y: number;
}

/** Snapshots kept by tick, sampled at a fractional render tick. */
export class InterpolationBuffer {
  private readonly ticks: number[] = [];
  private readonly frames = new Map<number, Map<number, Pos>>();

  constructor(private readonly keep = 16) {}

  /** Adds a snapshot's positions (ticks may arrive out of order; duplicates replace). */
  push(tick: number, positions: Map<number, Pos>): void {
    if (!this.frames.has(tick)) {
      this.ticks.push(tick);
      this.ticks.sort((a, b) => a - b);
    }
    this.frames.set(tick, positions);
    while (this.ticks.length > this.keep) this.frames.delete(this.ticks.shift()!);
  }

  /** The newest tick held, or -1. */
  get latest(): number {
    return this.ticks.length ? this.ticks[this.ticks.length - 1] : -1;
  }

  /**
   * Where entity `id` is at fractional tick `t`: between the bracketing snapshots that both have it, at the
   * nearest one that has it otherwise (never extrapolated), or undefined when no snapshot has it.
   */
  sample(id: number, t: number): Pos | undefined {
    let before: { tick: number; p: Pos } | undefined;
    let after: { tick: number; p: Pos } | undefined;
    for (const tick of this.ticks) {
      const p = this.frames.get(tick)!.get(id);
      if (!p) continue;
      if (tick <= t) before = { tick, p };
      else {
        after = { tick, p };
        break;
      }
    }
    if (before && after) {
      const f = (t - before.tick) / (after.tick - before.tick);
      return { x: before.p.x + (after.p.x - before.p.x) * f, y: before.p.y + (after.p.y - before.p.y) * f };
    }
    return (before ?? after)?.p;
  }
}

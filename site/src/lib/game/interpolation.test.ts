import { describe, expect, it } from 'vitest';
import { streamFromKey } from '../../../../engine/rng/rng.ts';
import { interpolationDelayTicks, InterpolationBuffer, TickClock } from './interpolation.ts';

const at = (x: number, y: number) => ({ x, y });

describe('InterpolationBuffer', () => {
  it('blends between the two snapshots that bracket the render tick', () => {
    const b = new InterpolationBuffer();
    b.push(10, new Map([[1, at(0, 0)]]));
    b.push(12, new Map([[1, at(4, 2)]]));
    expect(b.sample(1, 10)).toEqual(at(0, 0));
    expect(b.sample(1, 11)).toEqual(at(2, 1));
    expect(b.sample(1, 11.5)).toEqual(at(3, 1.5));
    expect(b.sample(1, 12)).toEqual(at(4, 2));
  });

  it('never extrapolates: past the newest snapshot an entity stays where it was last seen', () => {
    const b = new InterpolationBuffer();
    b.push(10, new Map([[1, at(0, 0)]]));
    b.push(11, new Map([[1, at(1, 0)]]));
    expect(b.sample(1, 25)).toEqual(at(1, 0));
    expect(b.sample(1, 3)).toEqual(at(0, 0));
  });

  it('accepts snapshots out of order', () => {
    const b = new InterpolationBuffer();
    b.push(12, new Map([[1, at(2, 0)]]));
    b.push(10, new Map([[1, at(0, 0)]]));
    b.push(11, new Map([[1, at(4, 0)]]));
    expect(b.oldest).toBe(10);
    expect(b.latest).toBe(12);
    expect(b.sample(1, 10.5)).toEqual(at(2, 0));
    expect(b.sample(1, 11.5)).toEqual(at(3, 0));
  });

  it('shows an entity entering or leaving view at the snapshot that has it', () => {
    const b = new InterpolationBuffer();
    b.push(10, new Map([[1, at(0, 0)]]));
    b.push(11, new Map([[2, at(5, 5)]]));
    expect(b.sample(1, 10.5)).toEqual(at(0, 0));
    expect(b.sample(2, 10.5)).toEqual(at(5, 5));
    expect(b.sample(3, 10.5)).toBeUndefined();
  });

  it('does not slide across the map on a jump (teleport, respawn)', () => {
    const b = new InterpolationBuffer({ snapM: 6 });
    b.push(10, new Map([[1, at(0, 0)]]));
    b.push(11, new Map([[1, at(50, 50)]]));
    expect(b.sample(1, 10.3)).toEqual(at(0, 0));
    expect(b.sample(1, 10.7)).toEqual(at(50, 50));
  });

  it('keeps a bounded window of snapshots', () => {
    const b = new InterpolationBuffer({ keep: 3 });
    for (let t = 0; t < 10; t++) b.push(t, new Map([[1, at(t, 0)]]));
    expect(b.oldest).toBe(7);
    expect(b.sample(1, 0)).toEqual(at(7, 0));
  });

  it('answers a new render tick after a push (the bracket cache is dropped)', () => {
    const b = new InterpolationBuffer();
    b.push(10, new Map([[1, at(0, 0)]]));
    expect(b.sample(1, 10.5)).toEqual(at(0, 0));
    b.push(11, new Map([[1, at(2, 0)]]));
    expect(b.sample(1, 10.5)).toEqual(at(1, 0));
  });
});

describe('TickClock', () => {
  // Snapshots leave the server every 1000/hz ms and arrive 20–60 ms later (seeded jitter).
  function feed(
    clock: TickClock,
    o: { hz: number; fromTick: number; fromMs: number; n: number; key: string },
  ) {
    const rng = streamFromKey(o.key);
    for (let k = 0; k < o.n; k++) {
      const sentMs = o.fromMs + (k * 1000) / o.hz;
      clock.observe(o.fromTick + k, sentMs + 20 + 40 * rng());
    }
    return { tick: o.fromTick + o.n - 1, ms: o.fromMs + ((o.n - 1) * 1000) / o.hz };
  }

  it('estimates the server tick within half a tick despite jitter', () => {
    const clock = new TickClock({ nominalHz: 20 });
    const last = feed(clock, { hz: 20, fromTick: 500, fromMs: 10_000, n: 100, key: 'clock:steady' });
    expect(clock.hz).toBeCloseTo(20, 0);
    // At local time ms the server is at tick (ms − start)·rate; the estimate lags by the smallest delay (20 ms ≈ 0.4 tick).
    for (const dtMs of [0, 37, 80]) {
      const truth = last.tick + (dtMs * 20) / 1000;
      expect(Math.abs(clock.tickAt(last.ms + dtMs) - truth)).toBeLessThan(0.5);
    }
  });

  it('measures a changed tick rate (the dev console’s tick-rate)', () => {
    const clock = new TickClock({ nominalHz: 20 });
    const a = feed(clock, { hz: 20, fromTick: 0, fromMs: 0, n: 60, key: 'clock:a' });
    const b = feed(clock, { hz: 5, fromTick: a.tick + 1, fromMs: a.ms + 200, n: 30, key: 'clock:b' });
    expect(clock.hz).toBeGreaterThan(4.5);
    expect(clock.hz).toBeLessThan(5.5);
    expect(Math.abs(clock.tickAt(b.ms + 100) - (b.tick + 0.5))).toBeLessThan(0.5);
  });

  it('starts over when ticks go backwards (a new server)', () => {
    const clock = new TickClock({ nominalHz: 20 });
    feed(clock, { hz: 20, fromTick: 9000, fromMs: 0, n: 50, key: 'clock:old' });
    clock.observe(3, 5000);
    expect(Math.abs(clock.tickAt(5000) - 3)).toBeLessThan(0.01);
  });

  it('renders about 100 ms behind, and at least 1.5 snapshot intervals at slow rates', () => {
    expect(interpolationDelayTicks(20)).toBeCloseTo(2);
    expect(interpolationDelayTicks(60)).toBeCloseTo(6);
    expect(interpolationDelayTicks(5)).toBe(1.5);
  });
});

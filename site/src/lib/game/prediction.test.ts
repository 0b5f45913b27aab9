import { describe, expect, it } from 'vitest';
import { streamFromKey } from '../../../../engine/rng/rng.ts';
import type { Rng } from '../../../../engine/rng/rng.ts';
import { Predictor } from './prediction.ts';

const SPEED = 5;
const TICK_MS = 50;
const BOUNDS = { x0: 0, y0: 0, x1: 127.99, y1: 127.99 };

type Step = { atMs: number; dir?: [number, number]; goal?: [number, number] };

/**
 * A miniature of the zone server and the network, millisecond by millisecond: intents reach the server after
 * a one-way latency (in order, as over a WebSocket), the server applies the newest one at its next tick
 * (50 ms), moves the player at 5 m/s inside the zone, and sends a snapshot (positions quantised to 1/16 m
 * as on the wire) that arrives after the latency. The client draws every 16 ms.
 */
function simulate(o: {
  script: Step[];
  durationMs: number;
  latencyMs: number;
  jitterMs?: number;
  seed?: string;
}) {
  const rng: Rng = streamFromKey(o.seed ?? 'prediction');
  const delay = () => o.latencyMs + (o.jitterMs ? o.jitterMs * rng() : 0);
  const p = new Predictor({ speedMps: SPEED, bounds: BOUNDS, stepS: TICK_MS / 1000 });
  const server = { x: 20, y: 20, dirX: 0, dirY: 0, goal: null as null | [number, number], lastSeq: 0 };
  const toServer: Array<{ at: number; seq: number; step: Step }> = [];
  const toClient: Array<{ at: number; x: number; y: number; ackSeq: number }> = [];
  let seq = 0;
  let upLast = 0;
  let downLast = 0;
  // The ideal path: the intents applied at once, with no server in the way.
  const ideal = { x: 20, y: 20 };
  let idealIntent: Step = { atMs: 0, dir: [0, 0] };
  const frames: Array<{ t: number; x: number; y: number; ix: number; iy: number; sx: number; sy: number }> =
    [];
  const q = (v: number) => Math.round(v * 16) / 16;
  p.reconcile({ x: 20, y: 20, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
  for (let t = 0; t <= o.durationMs; t++) {
    // The ideal path, one millisecond at a time.
    if (idealIntent.goal) {
      const dx = idealIntent.goal[0] - ideal.x;
      const dy = idealIntent.goal[1] - ideal.y;
      const d = Math.hypot(dx, dy);
      if (d > 0.005) {
        const m = Math.min(d, SPEED / 1000);
        ideal.x += (dx / d) * m;
        ideal.y += (dy / d) * m;
      }
    } else if (idealIntent.dir) {
      ideal.x += (idealIntent.dir[0] * SPEED) / 1000;
      ideal.y += (idealIntent.dir[1] * SPEED) / 1000;
    }
    for (const s of o.script)
      if (s.atMs === t) {
        seq += 2; // casts share the counter: move sequence numbers have gaps
        if (s.goal) p.moveTo(seq, t, { x: s.goal[0], y: s.goal[1] });
        else p.move(seq, t, s.dir![0], s.dir![1]);
        upLast = Math.max(upLast, t + delay());
        toServer.push({ at: upLast, seq, step: s });
        idealIntent = s;
      }
    if (t > 0 && t % TICK_MS === 0) {
      while (toServer.length && toServer[0].at <= t) {
        const m = toServer.shift()!;
        server.lastSeq = m.seq;
        if (m.step.goal) server.goal = m.step.goal;
        else {
          server.goal = null;
          [server.dirX, server.dirY] = m.step.dir!;
        }
      }
      if (server.goal) {
        const dx = server.goal[0] - server.x;
        const dy = server.goal[1] - server.y;
        const d = Math.hypot(dx, dy);
        if (d < 0.25) {
          server.goal = null;
          server.dirX = server.dirY = 0;
        } else [server.dirX, server.dirY] = [dx / d, dy / d];
      }
      server.x = Math.min(BOUNDS.x1, Math.max(0, server.x + (server.dirX * SPEED * TICK_MS) / 1000));
      server.y = Math.min(BOUNDS.y1, Math.max(0, server.y + (server.dirY * SPEED * TICK_MS) / 1000));
      downLast = Math.max(downLast, t + delay());
      toClient.push({ at: downLast, x: q(server.x), y: q(server.y), ackSeq: server.lastSeq & 0xffff });
    }
    while (toClient.length && toClient[0].at <= t) {
      const s = toClient.shift()!;
      p.reconcile({ ...s, receivedMs: t, rttMs: 2 * o.latencyMs + (o.jitterMs ?? 0), nowMs: t });
    }
    if (t % 16 === 0) {
      p.advance(t);
      const d = p.display;
      frames.push({ t, x: d.x, y: d.y, ix: ideal.x, iy: ideal.y, sx: server.x, sy: server.y });
    }
  }
  return { p, frames, server };
}

const worst = (frames: Array<{ x: number; y: number; ix: number; iy: number }>) =>
  Math.max(...frames.map((f) => Math.hypot(f.x - f.ix, f.y - f.iy)));

describe('prediction with reconciliation against a simulated server', () => {
  const script: Step[] = [
    { atMs: 100, dir: [1, 0] },
    { atMs: 700, dir: [Math.SQRT1_2, Math.SQRT1_2] },
    { atMs: 1100, dir: [0, -1] },
    { atMs: 1500, dir: [0, 0] },
  ];

  it('moves the moment a key is pressed, without waiting for the server', () => {
    const { frames } = simulate({ script, durationMs: 300, latencyMs: 80 });
    const f = frames.find((x) => x.t === 128)!; // 28 ms after the press; the server hears of it at 180 ms
    expect(f.x - 20).toBeGreaterThan(0.1);
    expect(f.x - 20).toBeLessThan(0.2);
  });

  it('stays on the path the inputs describe while the server lags a round trip behind', () => {
    const { frames } = simulate({ script, durationMs: 2500, latencyMs: 80 });
    // Tick quantisation (an intent waits 0–50 ms for its tick) is the only disagreement: ≤ 5 m/s × 25 ms,
    // plus the wire's 1/16 m. Without the replay the lag would be 5 m/s × 160 ms = 0.8 m.
    expect(worst(frames)).toBeLessThan(0.3);
    const lagging = frames.filter((f) => f.t > 300 && f.t < 700);
    expect(Math.max(...lagging.map((f) => Math.abs(f.x - f.sx)))).toBeGreaterThan(0.6);
  });

  it('ends exactly where the server says once every intent is acknowledged', () => {
    const { frames, server } = simulate({ script, durationMs: 2500, latencyMs: 80 });
    const last = frames[frames.length - 1];
    expect(Math.abs(last.x - server.x)).toBeLessThan(0.04);
    expect(Math.abs(last.y - server.y)).toBeLessThan(0.04);
  });

  it('corrects smoothly under jitter: no frame jumps much more than a frame of walking', () => {
    const { frames } = simulate({ script, durationMs: 2500, latencyMs: 60, jitterMs: 40, seed: 'jitter-1' });
    expect(worst(frames)).toBeLessThan(0.45);
    let maxStep = 0;
    for (let i = 1; i < frames.length; i++)
      maxStep = Math.max(maxStep, Math.hypot(frames[i].x - frames[i - 1].x, frames[i].y - frames[i - 1].y));
    // 16 ms at 5 m/s is 0.08 m.
    expect(maxStep).toBeLessThan(0.16);
  });

  it('predicts click-to-move and stops at the goal', () => {
    const { frames, server } = simulate({
      script: [{ atMs: 50, goal: [24, 17] }],
      durationMs: 2000,
      latencyMs: 70,
    });
    expect(worst(frames)).toBeLessThan(0.35);
    const last = frames[frames.length - 1];
    expect(Math.hypot(last.x - 24, last.y - 17)).toBeLessThan(0.3);
    expect(Math.hypot(last.x - server.x, last.y - server.y)).toBeLessThan(0.04);
  });
});

describe('Predictor', () => {
  it('replays the acknowledged intent from the server’s moment, then the pending ones', () => {
    const p = new Predictor({ speedMps: 5, stepS: 0.05 });
    p.reconcile({ x: 10, y: 10, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
    p.move(1, 0, 1, 0);
    p.move(2, 100, 0, -1);
    // The server applied intent 1 and is at (10.2, 10): as of 150 − 100 − 25 = 25 ms. Replay: 75 ms right
    // (25 → 100), then 50 ms up (100 → 150).
    p.reconcile({ x: 10.2, y: 10, ackSeq: 1, receivedMs: 150, rttMs: 100, nowMs: 150 });
    expect(p.x).toBeCloseTo(10.575, 6);
    expect(p.y).toBeCloseTo(9.75, 6);
    // Intent 1 stays as the server's current one; nothing older is kept.
    expect(p.intents.map((i) => i.seq)).toEqual([1, 2]);
  });

  it('matches the acknowledgement on 16 bits (the wire) and drops acknowledged history', () => {
    const p = new Predictor({ speedMps: 5 });
    p.reconcile({ x: 0, y: 0, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
    p.move(65_537, 0, 1, 0);
    p.move(65_539, 10, 0, 1);
    p.reconcile({ x: 0, y: 0, ackSeq: 3, receivedMs: 20, rttMs: 0, nowMs: 20 });
    expect(p.intents.map((i) => i.seq)).toEqual([65_539]);
  });

  it('smooths a small correction over time but shows a large one at once', () => {
    const p = new Predictor({ speedMps: 5, snapM: 3, smoothMs: 100 });
    p.reconcile({ x: 10, y: 10, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
    p.reconcile({ x: 10.5, y: 10, ackSeq: 0, receivedMs: 10, rttMs: 0, nowMs: 10 });
    expect(p.x).toBe(10.5);
    expect(p.display.x).toBeCloseTo(10, 6);
    p.advance(110);
    expect(p.display.x).toBeCloseTo(10.5 - 0.5 * Math.exp(-1), 6);
    p.advance(1000);
    expect(p.display.x).toBeCloseTo(10.5, 3);
    p.reconcile({ x: 60, y: 70, ackSeq: 0, receivedMs: 1010, rttMs: 0, nowMs: 1010 });
    expect(p.display).toEqual({ x: 60, y: 70 });
  });

  it('takes the server’s word and forgets its intents while the player cannot move', () => {
    const p = new Predictor({ speedMps: 5 });
    p.reconcile({ x: 1, y: 1, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
    p.move(1, 0, 1, 1);
    p.advance(1000);
    p.reconcile({ x: 64, y: 64, ackSeq: 0, receivedMs: 1000, rttMs: 0, nowMs: 1000, frozen: true });
    expect(p.display).toEqual({ x: 64, y: 64 });
    expect(p.intents).toEqual([]);
    p.advance(2000);
    expect(p.display).toEqual({ x: 64, y: 64 });
  });

  it('keeps to the zone', () => {
    const p = new Predictor({ speedMps: 5, bounds: { x0: 0, y0: 0, x1: 10, y1: 10 } });
    p.reconcile({ x: 9, y: 9, ackSeq: 0, receivedMs: 0, rttMs: 0, nowMs: 0 });
    p.move(1, 0, 1, 1);
    p.advance(2000);
    expect([p.x, p.y]).toEqual([10, 10]);
  });

  it('does not move before the first snapshot placed the player', () => {
    const p = new Predictor({ speedMps: 5 });
    p.move(1, 0, 1, 0);
    p.advance(500);
    expect(p.ready).toBe(false);
    expect([p.x, p.y]).toEqual([0, 0]);
  });
});

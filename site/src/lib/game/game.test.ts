import { describe, expect, it } from 'vitest';
import { InterpolationBuffer } from './interp.ts';
import { Predictor } from './predict.ts';

describe('interpolation buffer', () => {
  it('interpolates between the bracketing snapshots and never extrapolates', () => {
    const b = new InterpolationBuffer();
    b.push(10, new Map([[1, { x: 0, y: 0 }]]));
    b.push(12, new Map([[1, { x: 4, y: 2 }]]));
    b.push(11, new Map([[2, { x: 9, y: 9 }]]));
    expect(b.sample(1, 11)).toEqual({ x: 2, y: 1 });
    expect(b.sample(1, 11.5)).toEqual({ x: 3, y: 1.5 });
    expect(b.sample(1, 20)).toEqual({ x: 4, y: 2 });
    expect(b.sample(1, 5)).toEqual({ x: 0, y: 0 });
    expect(b.sample(2, 10.2)).toEqual({ x: 9, y: 9 });
    expect(b.sample(3, 11)).toBeUndefined();
    expect(b.latest).toBe(12);
  });

  it('keeps a bounded window', () => {
    const b = new InterpolationBuffer(3);
    for (let t = 0; t < 10; t++) b.push(t, new Map([[1, { x: t, y: 0 }]]));
    expect(b.sample(1, 0)).toEqual({ x: 7, y: 0 });
  });
});

describe('prediction and reconciliation', () => {
  it('moves at once, keeps predicting while the server lags, converges once it caught up', () => {
    const p = new Predictor({ speedMps: 5 });
    p.reconcile(10, 10, 0, 0);
    p.input(1, 0, 1);
    for (let k = 0; k < 10; k++) p.advance(0.05);
    expect(p.x).toBeCloseTo(12.5);
    // An old snapshot (server still at the old intent): ignored.
    p.reconcile(10, 10, 0, 0.05);
    expect(p.x).toBeCloseTo(12.5);
    // The server applied seq 1 and is at 12.2 as of 0.05 s ago: target 12.45; the error is smoothed.
    p.reconcile(12.2, 10, 1, 0.05);
    expect(p.x).toBeLessThan(12.5);
    expect(p.x).toBeGreaterThan(12.45);
    // Stopped: repeated snapshots pull the prediction onto the server position.
    p.input(0, 0, 2);
    for (let k = 0; k < 30; k++) p.reconcile(12.3, 10, 2, 0.05);
    expect(p.x).toBeCloseTo(12.3, 3);
  });

  it('snaps on large errors (teleport, respawn) and when frozen', () => {
    const p = new Predictor({ speedMps: 5, snapM: 2 });
    p.reconcile(0, 0, 0, 0);
    p.reconcile(30, 40, 0, 0);
    expect([p.x, p.y]).toEqual([30, 40]);
    p.input(1, 1, 1);
    p.advance(1);
    p.reconcile(31, 41, 7, 0, true);
    expect([p.x, p.y]).toEqual([31, 41]);
  });

  it('clamps to the zone', () => {
    const p = new Predictor({ speedMps: 5, bounds: { x0: 0, y0: 0, x1: 10, y1: 10 } });
    p.reconcile(9, 9, 0, 0);
    p.input(1, 1, 1);
    p.advance(2);
    expect([p.x, p.y]).toEqual([10, 10]);
  });
});

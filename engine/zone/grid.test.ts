import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGrid, queryRadius } from './grid.ts';
import { buildLayout, HEADER } from './layout.ts';
import { allocateZoneBuffers, ZoneViews } from './zone.ts';

function zoneWith(points: Array<[number, number]>, cellM: number, x0: number, y0: number): ZoneViews {
  const layout = buildLayout({ entity: [], cell: [], scalars: [] });
  const widthM = 30;
  const heightM = 20;
  const g = {
    id: 0,
    x0,
    y0,
    widthM,
    heightM,
    cellM,
    cellsX: Math.ceil(widthM / cellM),
    cellsY: Math.ceil(heightM / cellM),
    biome: 'plains',
  };
  const z = new ZoneViews(layout, g, allocateZoneBuffers(layout, g, Math.max(16, points.length)));
  const x = z.f32('x');
  const y = z.f32('y');
  points.forEach(([px, py], i) => {
    x[i] = x0 + px;
    y[i] = y0 + py;
  });
  z.header[HEADER.count] = points.length;
  return z;
}

describe('spatial grid', () => {
  it('radius queries equal brute force, at zone edges too (property test)', () => {
    const coord = (max: number) => fc.double({ min: 0, max, noNaN: true, maxExcluded: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(coord(30), coord(20)), { maxLength: 300 }),
        fc.tuple(fc.double({ min: -5, max: 35, noNaN: true }), fc.double({ min: -5, max: 25, noNaN: true })),
        fc.double({ min: 0, max: 12, noNaN: true }),
        fc.constantFrom(1, 2.5, 4, 7),
        (points, [qx, qy], r, cellM) => {
          const z = zoneWith(points, cellM, 100, 40);
          buildGrid(z);
          const out = new Int32Array(points.length + 1);
          const k = queryRadius(z, 100 + qx, 40 + qy, r, out);
          const got = Array.from(out.subarray(0, k)).sort((a, b) => a - b);
          const x = z.f32('x');
          const y = z.f32('y');
          const want: number[] = [];
          for (let i = 0; i < points.length; i++) {
            const dx = x[i] - (100 + qx);
            const dy = y[i] - (40 + qy);
            if (dx * dx + dy * dy <= r * r) want.push(i);
          }
          expect(got).toEqual(want);
        },
      ),
      { seed: 20261123, numRuns: 400 },
    );
  });

  it('lists each cell’s entities in index order', () => {
    const z = zoneWith(
      [
        [1, 1],
        [29, 19],
        [1.5, 1.5],
        [0, 0],
      ],
      4,
      0,
      0,
    );
    buildGrid(z);
    const c = z.cellAt(1, 1);
    expect(Array.from(z.order.subarray(z.cellStart[c], z.cellStart[c + 1]))).toEqual([0, 2, 3]);
  });
});

import type { ZoneViews } from './zone.ts';

/**
 * Rebuilds the zone's uniform grid by counting sort over live entities: after it, the entities of cell c
 * are `order[cellStart[c] .. cellStart[c+1])`, in index order (so iteration order is deterministic).
 */
export function buildGrid(z: ZoneViews): void {
  const n = z.count;
  const g = z.geometry;
  const x = z.f.x as Float32Array;
  const y = z.f.y as Float32Array;
  const { cellStart, cellOf, order } = z;
  const cells = z.cells;
  const inv = 1 / g.cellM;
  const cxMax = g.cellsX - 1;
  const cyMax = g.cellsY - 1;
  cellStart.fill(0);
  for (let i = 0; i < n; i++) {
    let cx = Math.floor((x[i] - g.x0) * inv);
    let cy = Math.floor((y[i] - g.y0) * inv);
    cx = cx < 0 ? 0 : cx > cxMax ? cxMax : cx;
    cy = cy < 0 ? 0 : cy > cyMax ? cyMax : cy;
    const c = cy * g.cellsX + cx;
    cellOf[i] = c;
    cellStart[c + 1]++;
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
  // Second pass places each entity at its cell's running cursor (a per-thread scratch copy of the starts).
  const cursor = scratchCursor(cells);
  cursor.set(cellStart.subarray(0, cells));
  for (let i = 0; i < n; i++) order[cursor[cellOf[i]]++] = i;
}

let cursorCache = new Int32Array(0);
function scratchCursor(cells: number): Int32Array {
  if (cursorCache.length < cells) cursorCache = new Int32Array(cells);
  return cursorCache.subarray(0, cells);
}

/**
 * Writes into `out` the indices of live entities within `radiusM` of (x, y), using the grid built this
 * tick; returns how many. Skips nothing: callers filter flags and themselves. `out` must be large enough
 * (at most `count`).
 */
export function queryRadius(z: ZoneViews, px: number, py: number, radiusM: number, out: Int32Array): number {
  const g = z.geometry;
  const x = z.f.x as Float32Array;
  const y = z.f.y as Float32Array;
  const inv = 1 / g.cellM;
  const cx0 = Math.max(0, Math.floor((px - radiusM - g.x0) * inv));
  const cx1 = Math.min(g.cellsX - 1, Math.floor((px + radiusM - g.x0) * inv));
  const cy0 = Math.max(0, Math.floor((py - radiusM - g.y0) * inv));
  const cy1 = Math.min(g.cellsY - 1, Math.floor((py + radiusM - g.y0) * inv));
  const r2 = radiusM * radiusM;
  const { cellStart, order } = z;
  let k = 0;
  for (let cy = cy0; cy <= cy1; cy++) {
    for (let cx = cx0; cx <= cx1; cx++) {
      const c = cy * g.cellsX + cx;
      for (let s = cellStart[c], e = cellStart[c + 1]; s < e; s++) {
        const j = order[s];
        const dx = x[j] - px;
        const dy = y[j] - py;
        if (dx * dx + dy * dy <= r2) out[k++] = j;
      }
    }
  }
  return k;
}

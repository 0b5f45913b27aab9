import { createHash } from 'node:crypto';
import { HEADER } from '../zone/layout.ts';
import type { ZoneViews } from '../zone/zone.ts';

/**
 * SHA-256 over every zone's live state in zone order: count, scalars, cell fields and the live rows of
 * every entity field. Capacity slack and derived grid arrays are left out, so growing a zone does not
 * change the hash.
 */
export function hashZones(zones: readonly ZoneViews[], tick: number): string {
  const h = createHash('sha256');
  const head = new Int32Array(3);
  for (const z of zones) {
    head[0] = tick;
    head[1] = z.geometry.id;
    head[2] = z.header[HEADER.count];
    h.update(head);
    h.update(bytes(z.scalars, 0, z.scalars.length));
    for (const fld of z.layout.cell) h.update(bytes(z.cellf[fld.name], 0, z.cells * fld.width));
    const n = z.count;
    for (const fld of z.layout.entity) h.update(bytes(z.f[fld.name], 0, n * fld.width));
  }
  return h.digest('hex').slice(0, 32);
}

function bytes(a: ArrayBufferView & { BYTES_PER_ELEMENT: number }, from: number, len: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, len * a.BYTES_PER_ELEMENT);
}

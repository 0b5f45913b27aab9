import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragment, MAX_DATAGRAM_BYTES, Reassembler } from './fragment.ts';

describe('fragments for datagram transports', () => {
  it('every datagram fits, and any arrival order rebuilds the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 9000 }), fc.nat(), (bytes, seed) => {
        // A frame as the server makes them: version, then a message type (a snapshot's).
        const frame = Uint8Array.from([1, 69, ...bytes]);
        const parts = fragment(frame, 7);
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
        // A deterministic shuffle from the seed.
        const order = parts
          .map((_, k) => k)
          .sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const r = new Reassembler();
        const got = order.map((k) => r.push(parts[k])).filter((x) => x !== null);
        expect(got).toEqual([frame]);
      }),
      { numRuns: 300 },
    );
  });

  it('a lost fragment loses only its frame; interleaved frames still rebuild', () => {
    const a = Uint8Array.from({ length: 3000 }, (_, k) => k & 0xff);
    const b = Uint8Array.from({ length: 2500 }, (_, k) => (k * 3) & 0xff);
    const pa = fragment(a, 1);
    const pb = fragment(b, 2);
    const r = new Reassembler();
    const out = [pa[0], pb[0], pb[1], pa[2], pb[2]].map((d) => r.push(d)).filter((x) => x !== null);
    expect(out).toEqual([b]);
  });

  it('garbage datagrams are ignored, never thrown on', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), (ds) => {
        const r = new Reassembler();
        for (const d of ds) if (d.length >= 2) [d[0], d[1]] = [1, 71];
        for (const d of ds) r.push(d);
      }),
      { numRuns: 1000 },
    );
  });
});

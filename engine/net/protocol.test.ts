import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECODE_ERRORS,
  decodeClient,
  decodeServer,
  encodeClient,
  encodeServer,
  MAX_TEXT_BYTES,
} from './protocol.ts';
import type { ClientMessage, ServerMessage } from './protocol.ts';

const f32 = (min: number, max: number) =>
  fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const text = fc.string({ maxLength: 60 });

const clientMessage: fc.Arbitrary<ClientMessage> = fc.oneof(
  fc.record({ type: fc.constant('join' as const), token: text }),
  fc.record({ type: fc.constant('move' as const), dirX: f32(-1, 1), dirY: f32(-1, 1), seq: u32 }),
  fc.record({ type: fc.constant('moveTo' as const), x: f32(-1e5, 1e5), y: f32(-1e5, 1e5), seq: u32 }),
  fc.record({
    type: fc.constant('cast' as const),
    slot: fc.integer({ min: 1, max: 8 }),
    target: u32,
    aimX: f32(-1e5, 1e5),
    aimY: f32(-1e5, 1e5),
    seq: u32,
  }),
  fc.record({ type: fc.constant('target' as const), target: u32 }),
  fc.record({ type: fc.constant('chat' as const), text }),
  fc.record({ type: fc.constant('capture' as const), target: u32 }),
  fc.record({ type: fc.constant('breed' as const), rosterA: u32, rosterB: u32 }),
  fc.record({ type: fc.constant('preview' as const), rosterA: u32, rosterB: u32 }),
  fc.record({ type: fc.constant('inspect' as const), target: u32 }),
  fc.record({ type: fc.constant('console' as const), command: text }),
  fc.record({ type: fc.constant('ack' as const), tick: u32 }),
  fc.record({
    type: fc.constant('ping' as const),
    clientTime: fc.double({ noNaN: true, noDefaultInfinity: true }),
  }),
);

const serverMessage: fc.Arbitrary<ServerMessage> = fc.oneof(
  fc.record({
    type: fc.constant('welcome' as const),
    playerId: u32,
    token: text,
    tickRate: fc.integer({ min: 1, max: 255 }),
    zone: fc.integer({ min: 0, max: 65535 }),
    resumed: fc.boolean(),
    catalog: fc.string({ maxLength: 2000 }).map((t) => JSON.stringify({ t })),
  }),
  fc.record({ type: fc.constant('chat' as const), from: u32, text, final: fc.boolean() }),
  fc.record({
    type: fc.constant('rejection' as const),
    code: fc.integer({ min: 0, max: 255 }),
    seq: u32,
    detail: text,
  }),
  fc.record({
    type: fc.constant('pong' as const),
    clientTime: fc.double({ noNaN: true, noDefaultInfinity: true }),
    serverTick: u32,
  }),
  fc.record({ type: fc.constant('error' as const), code: fc.integer({ min: 0, max: 255 }), detail: text }),
  fc.record({
    type: fc.constant('event' as const),
    kind: fc.string({ maxLength: 20 }),
    entity: u32,
    json: fc.string({ maxLength: 500 }).map((t) => JSON.stringify([t])),
  }),
);

describe('protocol', () => {
  it('every client message round-trips (property test)', () => {
    fc.assert(
      fc.property(clientMessage, (m) => {
        const d = decodeClient(encodeClient(m));
        expect(d).toEqual({ ok: true, msg: m });
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('every server message round-trips (property test)', () => {
    fc.assert(
      fc.property(serverMessage, (m) => {
        expect(decodeServer(encodeServer(m))).toEqual({ ok: true, msg: m });
      }),
      { seed: 8, numRuns: 2000 },
    );
  });

  it('refuses malformed frames with a code, never throwing: 100,000 random and mutated frames', () => {
    let refused = 0;
    const check = (bytes: Uint8Array): void => {
      const d = decodeClient(bytes);
      if (!d.ok) {
        expect(DECODE_ERRORS).toContain(d.code);
        refused++;
      }
    };
    // Random bytes, and valid frames with bit flips, truncation, extension and corrupted length fields.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => check(b)),
      { seed: 1, numRuns: 40_000 },
    );
    fc.assert(
      fc.property(
        clientMessage,
        fc.nat(),
        fc.integer({ min: 0, max: 4 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (m, at, how, junk) => {
          const b = encodeClient(m);
          const i = b.length > 0 ? at % b.length : 0;
          if (how === 0) b[i] ^= 1 << (at % 8);
          if (how === 1) return check(b.subarray(0, i));
          if (how === 2) return check(Uint8Array.from([...b, ...junk]));
          if (how === 3 && b.length > 3) b[2] = 0xff;
          if (how === 4) b[i] = junk[0];
          check(b);
        },
      ),
      { seed: 2, numRuns: 60_000 },
    );
    expect(refused).toBeGreaterThan(30_000);
  });

  it('names what is wrong: version, type, truncation, text length, non-finite numbers, trailing bytes', () => {
    const move = encodeClient({ type: 'move', dirX: 0.5, dirY: 0.5, seq: 1 });
    expect(decodeClient(new Uint8Array(0))).toMatchObject({ ok: false, code: 'empty' });
    expect(decodeClient(Uint8Array.from([9, 2]))).toMatchObject({ ok: false, code: 'bad-version' });
    expect(decodeClient(Uint8Array.from([1, 200]))).toMatchObject({ ok: false, code: 'unknown-type' });
    expect(decodeClient(move.subarray(0, 5))).toMatchObject({ ok: false, code: 'truncated' });
    expect(decodeClient(Uint8Array.from([...move, 0]))).toMatchObject({ ok: false, code: 'trailing-bytes' });
    const fast = encodeClient({ type: 'move', dirX: 0, dirY: 0, seq: 1 });
    new DataView(fast.buffer).setFloat32(2, 50, true); // a speed hack: |dir| > 1
    expect(decodeClient(fast)).toMatchObject({ ok: false, code: 'bad-value' });
    new DataView(fast.buffer).setFloat32(2, Number.NaN, true);
    expect(decodeClient(fast)).toMatchObject({ ok: false, code: 'bad-value' });
    const chat = new Uint8Array(4 + MAX_TEXT_BYTES + 1);
    chat.set([1, 6]);
    new DataView(chat.buffer).setUint16(2, MAX_TEXT_BYTES + 1, true);
    expect(decodeClient(chat)).toMatchObject({ ok: false, code: 'too-long' });
    expect(() => encodeClient({ type: 'chat', text: 'x'.repeat(MAX_TEXT_BYTES + 1) })).toThrow(/longer than/);
  });
});

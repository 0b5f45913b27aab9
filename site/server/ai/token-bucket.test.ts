import { describe, expect, it } from 'vitest';
import { QuotaPool, takeAll, TokenBucket } from './token-bucket.ts';

describe('token buckets', () => {
  it('allows a burst of `capacity`, then refills at the given rate on the supplied clock', () => {
    const b = new TokenBucket({ capacity: 3, refillPerS: 0.5 }, 1000);
    expect([b.take(1000), b.take(1000), b.take(1000), b.take(1000)]).toEqual([true, true, true, false]);
    expect(b.waitMs(1000)).toBe(2000);
    expect(b.take(2999)).toBe(false);
    expect(b.take(3000)).toBe(true);
    // Never more than capacity, however long the idle time.
    expect(b.available(1_000_000)).toBe(3);
  });

  it('takeAll spends from no bucket when one of them is empty', () => {
    const player = new TokenBucket({ capacity: 2, refillPerS: 1 }, 0);
    const zone = new TokenBucket({ capacity: 1, refillPerS: 0.1 }, 0);
    const both = [
      { name: 'player', bucket: player },
      { name: 'zone', bucket: zone },
    ];
    expect(takeAll(both, 0)).toEqual({ ok: true });
    expect(takeAll(both, 0)).toEqual({ ok: false, blockedBy: 'zone', retryAfterMs: 10_000 });
    expect(player.available(0)).toBe(1);
  });

  it('a pool forgets full buckets when it reaches its key limit', () => {
    const pool = new QuotaPool({ capacity: 1, refillPerS: 1 }, 3);
    for (const k of ['a', 'b', 'c']) pool.bucket(k, 0).take(0);
    pool.bucket('d', 5000); // a, b, c are full again by now
    expect(pool.size).toBe(1);
  });
});

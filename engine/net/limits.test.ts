import { describe, expect, it } from 'vitest';
import { TokenBucket } from './limits.ts';
import { SessionTable } from './session.ts';

describe('rate limits', () => {
  it('a flood of 1,000 messages/s is cut to the configured rate (30/s with a burst of 10)', () => {
    const b = new TokenBucket({ ratePerS: 30, burst: 10 }, 0);
    let accepted = 0;
    for (let k = 0; k < 5000; k++) if (b.take(k)) accepted++; // one message per millisecond for 5 s
    expect(accepted).toBeGreaterThanOrEqual(10 + 5 * 30 - 1);
    expect(accepted).toBeLessThanOrEqual(10 + 5 * 30 + 1);
    expect(b.refused).toBe(5000 - accepted);
  });
});

describe('sessions', () => {
  const table = new SessionTable('test-secret');
  it('verifies its own tokens and refuses tampered ones', () => {
    const t = table.issue(42, 1000);
    expect(table.verify(t)).toEqual({ character: 42, issuedMs: 1000 });
    const [body, sig] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ character: 1, issuedMs: 1000 })).toString('base64url');
    expect(table.verify(`${forged}.${sig}`)).toBeNull();
    expect(table.verify(`${body}.${sig.slice(0, -2)}xx`)).toBeNull();
    expect(table.verify('garbage')).toBeNull();
    expect(new SessionTable('other-secret').verify(t)).toBeNull();
  });
  it('resumes a character within 30 s of its disconnect, not after', () => {
    const t = table.issue(7, 0);
    table.disconnected(7, 10_000);
    expect(table.resume(t, 39_000)).toEqual({ ok: true, character: 7 });
    table.disconnected(7, 50_000);
    expect(table.resume(t, 80_001)).toEqual({ ok: false, reason: 'expired' });
  });
});

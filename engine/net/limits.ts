/** Options of a token bucket: `ratePerS` tokens per second, up to `burst`. */
export interface TokenBucketOptions {
  ratePerS: number;
  burst: number;
}

/**
 * A per-connection token bucket. Time is passed in (milliseconds), so the decision is testable and the
 * simulation never reads the clock; the server calls it with its own clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Messages refused since the connection opened. */
  refused = 0;

  constructor(
    readonly o: TokenBucketOptions,
    nowMs: number,
  ) {
    this.tokens = o.burst;
    this.last = nowMs;
  }

  /** Takes one token if there is one; false means the message is rate-limited. */
  take(nowMs: number, cost = 1): boolean {
    const elapsed = Math.max(0, nowMs - this.last);
    this.last = Math.max(this.last, nowMs);
    this.tokens = Math.min(this.o.burst, this.tokens + (elapsed / 1000) * this.o.ratePerS);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return true;
    }
    this.refused++;
    return false;
  }
}

/** Size and refill rate of a token bucket. */
export interface BucketSpec {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerS: number;
}

/** A token bucket on a caller-supplied clock (milliseconds), so tests control time. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly spec: BucketSpec,
    nowMs: number,
  ) {
    this.tokens = spec.capacity;
    this.lastMs = nowMs;
  }

  /** Tokens available at `nowMs`. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Takes `cost` tokens if there are enough; otherwise takes nothing. */
  take(nowMs: number, cost = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are available (0 when they are now). */
  waitMs(nowMs: number, cost = 1): number {
    this.refill(nowMs);
    if (this.tokens >= cost) return 0;
    if (this.spec.refillPerS <= 0) return Infinity;
    return Math.ceil(((cost - this.tokens) / this.spec.refillPerS) * 1000);
  }

  /** Whether the bucket is full at `nowMs` (a full bucket carries no state and can be forgotten). */
  isFull(nowMs: number): boolean {
    return this.available(nowMs) >= this.spec.capacity;
  }

  private refill(nowMs: number): void {
    const dt = Math.max(0, nowMs - this.lastMs) / 1000;
    this.lastMs = Math.max(this.lastMs, nowMs);
    this.tokens = Math.min(this.spec.capacity, this.tokens + dt * this.spec.refillPerS);
  }
}

/** Token buckets by key (player id, zone id), created on first use and forgotten once full again. */
export class QuotaPool {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly spec: BucketSpec,
    /** Keys kept before full buckets are swept; bounds memory when many players pass through. */
    private readonly maxKeys = 10_000,
  ) {}

  /** The bucket for `key`. */
  bucket(key: string, nowMs: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(nowMs);
      b = new TokenBucket(this.spec, nowMs);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(nowMs: number): void {
    for (const [k, b] of this.buckets) if (b.isFull(nowMs)) this.buckets.delete(k);
    // Still too many non-full buckets: drop the oldest; at worst a key gets a fresh, full bucket.
    for (const k of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(k);
    }
  }
}

/**
 * Takes one token from every bucket or from none: a request refused by the zone quota does not
 * spend the player's token. Returns the longest wait among the buckets that were short.
 */
export function takeAll(
  buckets: readonly { name: string; bucket: TokenBucket }[],
  nowMs: number,
): { ok: true } | { ok: false; blockedBy: string; retryAfterMs: number } {
  let blocked: { name: string; wait: number } | undefined;
  for (const { name, bucket } of buckets) {
    const wait = bucket.waitMs(nowMs);
    if (wait > 0 && (!blocked || wait > blocked.wait)) blocked = { name, wait };
  }
  if (blocked) return { ok: false, blockedBy: blocked.name, retryAfterMs: blocked.wait };
  for (const { bucket } of buckets) bucket.take(nowMs);
  return { ok: true };
}

// Throttles repeated authentication failures per client address with a token bucket: each failure
// takes a token, tokens refill at a steady rate, and an empty bucket means 429 until the next token.
// Successful requests take nothing, so a correct key is never slowed by this.

export interface FailureLimiterOptions {
  /** Failures allowed in a burst (default 20). */
  readonly burst?: number;
  /** Tokens regained per second (default 0.5, i.e. one failure every 2 s in the long run). */
  readonly refillPerSecond?: number;
  /** Buckets kept before full ones are forgotten (default 10000). */
  readonly maxClients?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class AuthFailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly refillPerMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(options: FailureLimiterOptions = {}) {
    this.burst = options.burst ?? 20;
    this.refillPerMs = (options.refillPerSecond ?? 0.5) / 1000;
    this.maxClients = options.maxClients ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `client` may try again, or 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const bucket = this.refill(client);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  /** Records one failed attempt by `client`. */
  recordFailure(client: string): void {
    const bucket = this.refill(client) ?? { tokens: this.burst, updatedAt: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.prune();
  }

  private refill(client: string): Bucket | undefined {
    const bucket = this.buckets.get(client);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  }

  private prune(): void {
    for (const client of [...this.buckets.keys()]) {
      const bucket = this.refill(client);
      if (bucket && bucket.tokens >= this.burst) this.buckets.delete(client);
    }
    // Still too many: drop the oldest entries (Map iteration order is insertion order).
    for (const client of this.buckets.keys()) {
      if (this.buckets.size <= this.maxClients) break;
      this.buckets.delete(client);
    }
  }
}

// Reconnect timing for the gateway client: exponential backoff with jitter, the gateway's own
// retryAfterMs when it sends one, and the liveness rule (two tick intervals of silence = dead).

export interface BackoffOptions {
  /** First delay (default 500 ms). */
  readonly initialDelayMs?: number;
  /** Ceiling (default 30 s). */
  readonly maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Spread as a fraction of the delay, 0..1 (default 0.2: the delay is scaled by 0.8..1.2). */
  readonly jitter?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (0-based). `random` is injectable for tests.
 * A gateway-sent `retryAfterMs` is a floor: never retry sooner than the gateway asked.
 * @example backoffDelay(3, {}, () => 0.5) // 4000
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random, retryAfterMs?: number): number {
  const o = { ...DEFAULT_BACKOFF, ...options };
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** Math.max(0, attempt));
  const spread = 1 - o.jitter + 2 * o.jitter * random();
  const delay = Math.min(o.maxDelayMs, Math.round(base * spread));
  return Math.max(delay, retryAfterMs ?? 0);
}

/** True when nothing (frame, ping or pong) arrived for two tick intervals. */
export function isSilent(lastSeenAt: number, now: number, tickIntervalMs: number): boolean {
  return now - lastSeenAt > 2 * tickIntervalMs;
}

// Exponential backoff, the one way anything here waits longer after each failed attempt: the gateway
// client while a gateway starts, the local runtime before restarting a dead instance.

export interface Backoff {
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Ceiling. */
  readonly maxMs: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Spread as a fraction of the delay, 0..1 (default 0: exact; 0.2 scales the delay by 0.8..1.2). */
  readonly jitter?: number;
}

/**
 * Delay before retry number `attempt` (0-based). `random` is injectable for tests.
 * @example backoffDelay(3, { initialMs: 500, maxMs: 30_000 }) // 4000
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const { initialMs, maxMs, factor = 2, jitter = 0 } = backoff;
  const base = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return Math.min(maxMs, Math.round(base * (1 - jitter + 2 * jitter * random())));
}

// The gateway's liveness rule: it sends a tick every tickIntervalMs, so two intervals of silence
// mean the connection is dead even if the socket looks open.

/** True when nothing (frame, ping or pong) arrived for two tick intervals. */
export function isSilent(lastSeenAt: number, now: number, tickIntervalMs: number): boolean {
  return now - lastSeenAt > 2 * tickIntervalMs;
}

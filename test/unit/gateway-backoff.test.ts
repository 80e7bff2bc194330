import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../manager/src/backoff.js';
import { isSilent } from '../../manager/src/gateway/liveness.js';

describe('backoffDelay', () => {
  const gateway = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };
  it.each([
    // attempt, backoff, random, expected
    [0, gateway, 0.5, 500],
    [1, gateway, 0.5, 1000],
    [3, gateway, 0.5, 4000],
    [10, gateway, 0.5, 30000],
    [0, gateway, 0, 400],
    [0, gateway, 1, 600],
    [10, gateway, 1, 30000],
    [2, { initialMs: 100, maxMs: 10_000, factor: 3 }, 0.9, 900],
    [6, { initialMs: 1000, maxMs: 60_000 }, 0.3, 60000],
    [-1, gateway, 0.5, 500],
  ])('attempt %i %j random %d -> %i ms', (attempt, backoff, random, expected) => {
    expect(backoffDelay(attempt, backoff, () => random)).toBe(expected);
  });
});

describe('isSilent', () => {
  it.each([
    [0, 59_999, 30_000, false],
    [0, 60_000, 30_000, false],
    [0, 60_001, 30_000, true],
    [1_000, 2_500, 500, true],
  ])('last seen %i, now %i, tick %i -> %s', (lastSeen, now, tick, expected) => {
    expect(isSilent(lastSeen, now, tick)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay, isSilent } from '../../manager/src/gateway/backoff.js';

describe('backoffDelay', () => {
  it.each([
    // attempt, options, random, retryAfterMs, expected
    [0, {}, 0.5, undefined, 500],
    [1, {}, 0.5, undefined, 1000],
    [3, {}, 0.5, undefined, 4000],
    [10, {}, 0.5, undefined, 30000],
    [0, {}, 0, undefined, 400],
    [0, {}, 1, undefined, 600],
    [10, {}, 1, undefined, 30000],
    [2, { initialDelayMs: 100, factor: 3, jitter: 0 }, 0.9, undefined, 900],
    [0, {}, 0.5, 2000, 2000],
    [3, {}, 0.5, 500, 4000],
    [-1, {}, 0.5, undefined, 500],
  ])('attempt %i %j random %d retryAfter %s -> %i ms', (attempt, options, random, retryAfterMs, expected) => {
    expect(backoffDelay(attempt, options, () => random, retryAfterMs)).toBe(expected);
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

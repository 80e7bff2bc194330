import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../manager/src/config.js';
import { formatDuration, parseDuration } from '../../manager/src/duration.js';

const KEY = 'k'.repeat(32);

describe('parseDuration', () => {
  it.each<[string, number | undefined]>([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['2s', 2000],
    [' 45m ', 2_700_000],
    ['30', undefined],
    ['', undefined],
    ['m', undefined],
    ['30 m', undefined],
    ['-5m', undefined],
    ['5w', undefined],
    ['5M', undefined],
    ['1h 30m', undefined],
    ['abc', undefined],
  ])('%j -> %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [2500, '2.5s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
  ])('%d -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('OPENCLAW_IDLE_STOP_AFTER', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['off', undefined],
    ['0', undefined],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['90s', 90_000],
    ['1s', 1000],
  ])('%j -> %s', (value, ms) => {
    const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, ...(value === undefined ? {} : { OPENCLAW_IDLE_STOP_AFTER: value }) });
    expect(config.idleStopAfterMs).toBe(ms);
  });

  it.each([
    ['30', 'must be a duration like 30m, 2h or 90s'],
    ['soon', 'must be a duration like 30m, 2h or 90s'],
    ['500ms', 'must be at least 1s'],
  ])('refuses %j', (value, message) => {
    expect(() => loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, OPENCLAW_IDLE_STOP_AFTER: value })).toThrow(message);
  });
});

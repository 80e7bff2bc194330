import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const { apiKeyMatches } = await import('../../manager/src/auth/api-key.js');

describe('apiKeyMatches', () => {
  it.each([
    ['same key', 'k'.repeat(32), 'k'.repeat(32), true],
    ['different key, same length', 'k'.repeat(32), 'j'.repeat(32), false],
    ['shorter key', 'k'.repeat(32), 'k', false],
    ['longer key', 'k'.repeat(32), 'k'.repeat(200), false],
    ['empty key', 'k'.repeat(32), '', false],
    ['absent key', 'k'.repeat(32), undefined, false],
  ])('%s', (_name, expected, presented, result) => {
    expect(apiKeyMatches(expected, presented)).toBe(result);
  });

  it('compares sha256 digests of equal length with timingSafeEqual, whatever the presented length', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    apiKeyMatches('k'.repeat(32), 'x');
    apiKeyMatches('k'.repeat(32), 'x'.repeat(1000));
    expect(spy).toHaveBeenCalledTimes(2);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });
});

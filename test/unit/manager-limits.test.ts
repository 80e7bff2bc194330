// Limits that hold before any route runs: Node refuses oversized headers (431, maxHeaderSize 16 KiB)
// and the server keeps serving; the key comparison hashes both sides, so keys of any length or byte
// width take the same path (raw timingSafeEqual would throw on unequal byte lengths). Body size
// (413) and repeated auth failures (429 + Retry-After) are covered in manager-errors and
// manager-auth tests.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyMatches } from '../../manager/src/auth/api-key.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';

function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/instances`, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request limits', () => {
  let manager: TestManager;
  beforeAll(async () => {
    manager = await startTestManager();
  });
  afterAll(async () => {
    await manager?.close();
  });

  it.each([
    ['one 20 KiB header', { 'X-Big': 'a'.repeat(20 * 1024) }],
    ['3,000 small headers', Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X-H-${i}`, 'v']))],
    ['a 20 KiB Authorization header', { Authorization: `Bearer ${'k'.repeat(20 * 1024)}` }],
  ])('%s: 431, and the next request is served', async (_name, headers) => {
    expect(await rawGet(manager.http.url, headers)).toBe(431);
    expect(await rawGet(manager.http.url, { Authorization: `Bearer ${TEST_API_KEY}` })).toBe(200);
  });
});

describe('key comparison', () => {
  const key = 'k'.repeat(32);
  it.each([
    ['same length, one character off at the start', `x${key.slice(1)}`],
    ['same length, one character off at the end', `${key.slice(0, -1)}x`],
    ['same character length, twice the bytes', 'é'.repeat(32)],
    ['one byte', 'k'],
    ['64 KiB', 'k'.repeat(64 * 1024)],
  ])('%s: refused without an exception', (_name, presented) => {
    expect(() => apiKeyMatches(key, presented)).not.toThrow();
    expect(apiKeyMatches(key, presented)).toBe(false);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../../manager/src/auth/failure-limiter.js';
import { parseBearer } from '../../manager/src/auth/api-key.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';

const UNAUTHORIZED = { error: 'Missing or invalid Authorization header', code: 'AUTHENTICATION_REQUIRED' };

describe('Bearer auth', () => {
  let manager: TestManager;
  afterEach(async () => manager?.close());

  it('leaves /health and /openapi.json open', async () => {
    manager = await startTestManager();
    const health = await manager.http.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    expect((await manager.http.request('GET', '/openapi.json')).status).toBe(200);
  });

  it.each([
    ['no header', {}],
    ['wrong key', { Authorization: 'Bearer wrong-key-0123456789abcdef' }],
    ['key prefix', { Authorization: `Bearer ${TEST_API_KEY.slice(0, -1)}` }],
    ['key plus a character', { Authorization: `Bearer ${TEST_API_KEY}x` }],
    ['Basic scheme', { Authorization: `Basic ${TEST_API_KEY}` }],
    ['bare key', { Authorization: TEST_API_KEY }],
    ['empty bearer', { Authorization: 'Bearer ' }],
  ])('answers 401 for %s on /api and /metrics', async (_name, headers) => {
    manager = await startTestManager();
    for (const path of ['/api/instances', '/api/instances/alice', '/api/nothing-here', '/metrics']) {
      const res = await manager.http.request('GET', path, { headers });
      expect(res.status, path).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('accepts the key, case-insensitive scheme', async () => {
    manager = await startTestManager();
    expect((await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY })).status).toBe(200);
    const lower = await manager.http.request('GET', '/api/instances', { headers: { Authorization: `bearer ${TEST_API_KEY}` } });
    expect(lower.status).toBe(200);
    expect((await manager.http.request('GET', '/metrics', { key: TEST_API_KEY })).status).toBe(200);
  });

  it('throttles repeated failures from one address with 429 and Retry-After, even for the right key', async () => {
    manager = await startTestManager({ deps: { authLimiter: new AuthFailureLimiter({ burst: 3, refillPerSecond: 0.1 }) } });
    for (let i = 0; i < 3; i += 1) {
      expect((await manager.http.request('GET', '/api/instances', { key: 'wrong-key-0123456789' })).status).toBe(401);
    }
    const throttled = await manager.http.request('GET', '/api/instances', { key: 'wrong-key-0123456789' });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'TOO_MANY_AUTH_FAILURES' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY })).status).toBe(429);
    expect((await manager.http.request('GET', '/health')).status).toBe(200);
  });

  it('never logs the key or a presented wrong key', async () => {
    manager = await startTestManager();
    await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY });
    await manager.http.request('GET', '/api/instances', { key: 'presented-wrong-key-0123' });
    await manager.http.request('GET', '/api/instances?token=query-token-value-123', { key: TEST_API_KEY });
    const logs = manager.logs();
    expect(logs).toContain('authentication failed');
    expect(logs).not.toContain(TEST_API_KEY);
    expect(logs).not.toContain('presented-wrong-key-0123');
    expect(logs).not.toContain('query-token-value-123');
  });
});

describe('AuthFailureLimiter', () => {
  it('refills one token per interval and forgets nothing it needs', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter({ burst: 2, refillPerSecond: 0.5, now: () => now });
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(2);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    now = 1000;
    expect(limiter.retryAfterSeconds('a')).toBe(1);
    now = 2000;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('keeps at most maxClients buckets', () => {
    const limiter = new AuthFailureLimiter({ burst: 1, refillPerSecond: 0.001, maxClients: 10, now: () => 0 });
    for (let i = 0; i < 50; i += 1) limiter.recordFailure(`client-${i}`);
    expect(limiter.retryAfterSeconds('client-49')).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('client-0')).toBe(0);
  });
});

describe('parseBearer', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['Bearer a b', undefined],
    ['Token abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });
});

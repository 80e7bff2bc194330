// The router matches paths ignoring case and a trailing slash, so the key is required for every
// spelling that reaches a protected route, not only the canonical one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedPath } from '../../manager/src/middleware/auth.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';

describe('protected routes in other spellings', () => {
  let manager: TestManager;
  beforeAll(async () => {
    manager = await startTestManager();
    await manager.runtime.create({ userId: 'alice', secrets: {} });
  });
  afterAll(async () => {
    await manager?.close();
  });

  it.each([
    ['GET', '/API/instances'],
    ['GET', '/Api/Instances/alice'],
    ['GET', '/api/instances/'],
    ['GET', '/metrics/'],
    ['GET', '/METRICS'],
    ['POST', '/API/INSTANCES'],
    ['DELETE', '/api/Instances/alice'],
  ])('%s %s needs the key', async (method, path) => {
    const refused = await manager.http.request(method, path, method === 'POST' ? { body: { userId: 'mallory' } } : {});
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'Missing or invalid Authorization header', code: 'AUTHENTICATION_REQUIRED' });
    expect(manager.runtime.created.map((s) => s.userId)).toEqual(['alice']);
    expect(manager.runtime.deleted).toEqual([]);
  });

  it('still reaches the route with the key', async () => {
    expect((await manager.http.request('GET', '/API/instances', { key: TEST_API_KEY })).status).toBe(200);
  });

  it.each([
    ['/api/instances', '/api/instances'],
    ['/API/Instances/', '/api/instances'],
    ['/metrics//', '/metrics'],
    ['/', '/'],
    ['/Health', '/health'],
  ])('routedPath(%s) = %s', (path, expected) => {
    expect(routedPath(path)).toBe(expected);
  });
});

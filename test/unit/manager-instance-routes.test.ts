import { afterEach, describe, expect, it } from 'vitest';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

describe('instance routes', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  const call = (method: string, path: string, body?: unknown) =>
    manager.http.request(method, path, { key: TEST_API_KEY, ...(body !== undefined ? { body } : {}) });

  it('creates (202 while starting, 201 when ready), lists, gets and deletes', async () => {
    manager = await startTestManager();
    const created = await call('POST', '/api/instances', { userId: 'alice', secrets: { ANTHROPIC_API_KEY: 'sk' } });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe('/api/instances/alice');
    expect(created.body).toMatchObject({ userId: 'alice', phase: 'Starting', ready: false });

    manager.runtime.readyOnCreate = true;
    expect((await call('POST', '/api/instances', { userId: 'bob' })).status).toBe(201);

    const list = await call('GET', '/api/instances');
    expect(list.status).toBe(200);
    expect((list.body as { instances: { userId: string }[] }).instances.map((i) => i.userId)).toEqual(['alice', 'bob']);

    expect((await call('GET', '/api/instances/alice')).body).toMatchObject({ userId: 'alice', dataVolume: { name: 'alice-openclaw-data' } });
    expect((await call('GET', '/api/instances/carol')).status).toBe(404);

    const deleted = await call('DELETE', '/api/instances/alice');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, userId: 'alice', dataVolume: { name: 'alice-openclaw-data', kept: true } });
    expect((await call('DELETE', '/api/instances/alice')).status).toBe(404);
  });

  it('answers 409 for an existing instance', async () => {
    manager = await startTestManager();
    await call('POST', '/api/instances', { userId: 'alice' });
    const again = await call('POST', '/api/instances', { userId: 'alice' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INSTANCE_EXISTS', error: 'Instance "alice" already exists' });
  });

  it.each([
    ['', false],
    ['?preservePvc=true', false],
    ['?preservePvc=false', true],
  ])('DELETE%s purges=%s', async (query, purge) => {
    manager = await startTestManager();
    await call('POST', '/api/instances', { userId: 'alice' });
    const res = await call('DELETE', `/api/instances/alice${query}`);
    expect(res.status).toBe(200);
    expect(manager.runtime.deleted).toEqual([{ userId: 'alice', purge }]);
    expect(res.body).toMatchObject({ dataVolume: { kept: !purge } });
  });

  it.each(['?preservePvc=no', '?preservePvc=', '?preservePvc=FALSE', '?preservePvc=true&preservePvc=false'])(
    'DELETE%s -> 400 and nothing deleted',
    async (query) => {
      manager = await startTestManager();
      await call('POST', '/api/instances', { userId: 'alice' });
      const res = await call('DELETE', `/api/instances/alice${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'preservePvc must be "true" or "false"' });
      expect(manager.runtime.deleted).toHaveLength(0);
    },
  );

  it('serves metrics by route template, behind auth', async () => {
    manager = await startTestManager();
    await call('POST', '/api/instances', { userId: 'alice' });
    await call('GET', '/api/instances/alice');
    const metrics = await manager.http.request('GET', '/metrics', { key: TEST_API_KEY });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('openclaw_manager_http_requests_total{method="GET",route="/api/instances/:userId",status="200"} 1');
    expect(metrics.text).toContain('openclaw_manager_instances{phase="Starting"} 1');
    expect(metrics.text).toContain('openclaw_manager_http_request_duration_seconds_bucket');
    expect(metrics.text).not.toContain('route="/api/instances/alice"');
  });
});

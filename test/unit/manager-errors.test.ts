import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../manager/src/errors/http-error.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

/** A runtime whose reads fail with the given error. */
class FailingRuntime extends MemoryRuntime {
  constructor(private readonly error: unknown) {
    super();
  }

  override async list(): Promise<never> {
    throw this.error;
  }
}

describe('error shape', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  it('answers unknown routes with a JSON 404', async () => {
    manager = await startTestManager();
    for (const path of ['/api/nope', '/api/instances/alice/unknown', '/nothing']) {
      const res = await manager.http.request('GET', path, { key: TEST_API_KEY });
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ error: expect.stringContaining('No route'), code: 'NOT_FOUND' });
    }
  });

  it('answers a wrong method with a JSON 405 and Allow', async () => {
    manager = await startTestManager();
    const res = await manager.http.request('PUT', '/api/instances', { key: TEST_API_KEY, body: {} });
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    const rpc = await manager.http.request('GET', '/api/instances/alice/rpc', { key: TEST_API_KEY });
    expect(rpc.status).toBe(405);
    expect(rpc.headers.get('allow')).toBe('POST');
  });

  it('sends 4xx details but never 5xx details; unexposed 5xx messages are replaced', async () => {
    manager = await startTestManager({
      runtime: new FailingRuntime(new HttpError(502, 'helm failed', { code: 'X', expose: true, details: { stderr: 'secret-ish stderr' } })),
    });
    const res = await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'helm failed', code: 'X' });
    expect(manager.logs()).toContain('secret-ish stderr');

    await manager.close();
    manager = await startTestManager({ runtime: new FailingRuntime(new Error('database password is hunter2')) });
    const crash = await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY });
    expect(crash.status).toBe(500);
    expect(crash.body).toEqual({ error: 'Internal server error', code: 'INTERNAL' });
    expect(crash.text).not.toContain('hunter2');

    await manager.close();
    manager = await startTestManager({ runtime: new FailingRuntime(new HttpError(503, 'internal detail', { code: 'Y' })) });
    const hidden = await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY });
    expect(hidden.status).toBe(503);
    expect(hidden.body).toEqual({ error: 'Internal server error', code: 'Y' });
  });

  it('echoes a well-formed X-Request-Id and makes one otherwise', async () => {
    manager = await startTestManager();
    const given = await manager.http.request('GET', '/health', { headers: { 'X-Request-Id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    const made = await manager.http.request('GET', '/health', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await manager.http.request('GET', '/api/instances/nobody', { key: TEST_API_KEY, headers: { 'X-Request-Id': 'r-404' } });
    expect(failed.headers.get('x-request-id')).toBe('r-404');
    expect(manager.logs()).toContain('"requestId":"r-404"');
  });

  it('rejects a body that is not JSON, or not declared as JSON, with 400', async () => {
    manager = await startTestManager();
    const broken = await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: '{"userId":' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'Request body is not valid JSON', code: 'INVALID_JSON' });
    const form = await manager.http.request('POST', '/api/instances', {
      key: TEST_API_KEY, body: 'userId=alice', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(400);
    expect(form.body).toMatchObject({ code: 'INVALID_JSON' });
    expect(manager.runtime.created).toHaveLength(0);
  });

  it('refuses bodies over the limit with 413, declared or streamed', async () => {
    manager = await startTestManager({ deps: { bodyLimitBytes: 1024 } });
    const big = { userId: 'alice', secrets: { A: 'x'.repeat(2000) } };
    const declared = await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: big });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${manager.http.url}/api/instances`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(JSON.stringify(big).slice(0, 900));
      req.write(JSON.stringify(big).slice(900));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(manager.runtime.created).toHaveLength(0);
  });

  it('treats an empty body as {} (and reports the missing field)', async () => {
    manager = await startTestManager();
    const res = await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'userId: is required' });
  });
});

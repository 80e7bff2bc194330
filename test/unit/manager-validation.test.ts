import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { isErrorBody } from '../support/api-fuzz.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

const manySecrets = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`KEY_${i}`, 'v']));

describe('request validation', () => {
  let manager: TestManager<MemoryRuntime>;
  beforeAll(async () => {
    manager = await startTestManager();
  });
  afterAll(async () => manager.close());

  it.each([
    ['missing userId', {}, 'userId: is required'],
    ['userId not a string', { userId: 7 }, 'userId: must be of type string'],
    ['userId upper case', { userId: 'Alice' }, 'userId: must match ^[a-z](-?[a-z0-9])*$'],
    ['userId starts with a digit', { userId: '1alice' }, 'userId: must match'],
    ['userId double dash', { userId: 'al--ice' }, 'userId: must match'],
    ['userId trailing dash', { userId: 'alice-' }, 'userId: must match'],
    ['userId 41 characters', { userId: `a${'b'.repeat(40)}` }, 'lower-case letters, digits and single dashes, 1-40 characters'],
    ['userId empty', { userId: '' }, 'userId: must match'],
    ['unknown field', { userId: 'alice', image: 'evil' }, 'image: is not a known field'],
    ['body an array', [], 'Request body must be of type object'],
    ['body a string', '"alice"', 'Request body must be of type object'],
    ['secrets not an object', { userId: 'alice', secrets: ['A'] }, 'secrets: must be of type object'],
    ['secret name lower case', { userId: 'alice', secrets: { anthropic_key: 'x' } }, 'secrets.anthropic_key: is not an allowed name'],
    ['secret name with dash', { userId: 'alice', secrets: { 'API-KEY': 'x' } }, 'secrets.API-KEY: is not an allowed name'],
    ['secret name reserved', { userId: 'alice', secrets: { OPENCLAW_GATEWAY_TOKEN: 'x' } }, 'must not start with OPENCLAW_ (reserved)'],
    ['secret name starts with a digit', { userId: 'alice', secrets: { '1KEY': 'x' } }, 'secrets.1KEY: is not an allowed name'],
    ['secret name too long', { userId: 'alice', secrets: { [`A${'B'.repeat(128)}`]: 'x' } }, 'is not an allowed name'],
    ['secret value not a string', { userId: 'alice', secrets: { KEY: 5 } }, 'secrets.KEY: must be of type string'],
    ['secret value over 8192 characters', { userId: 'alice', secrets: { KEY: 'x'.repeat(8193) } }, 'secrets.KEY: must be at most 8192 characters'],
    ['secret value over 8 KiB in bytes', { userId: 'alice', secrets: { KEY: 'é'.repeat(5000) } }, 'secrets.KEY: must be at most 8192 bytes'],
    ['33 secrets', { userId: 'alice', secrets: manySecrets }, 'secrets: must have at most 32 entries'],
  ])('create: %s -> 400', async (_name, body, message) => {
    const res = await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toContain(message);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', details: { problems: expect.any(Array) } });
    expect(manager.runtime.created).toHaveLength(0);
  });

  it('accepts the edge cases the rules allow', async () => {
    const secrets = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`KEY_${i}`, 'x'.repeat(8192)]));
    const ok = [
      { userId: 'a' },
      { userId: `a${'b'.repeat(39)}`, secrets: {} },
      { userId: 'a-1-b', secrets: { _UNDERSCORE: '', ANTHROPIC_API_KEY: 'sk-ant' } },
      { userId: 'full', secrets },
    ];
    for (const body of ok) {
      const res = await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(202);
    }
    expect(manager.runtime.created.map((s) => s.userId)).toEqual(['a', `a${'b'.repeat(39)}`, 'a-1-b', 'full']);
    expect(manager.runtime.created[0]?.secrets).toEqual({});
  });

  it.each([
    ['missing method', {}, 'method: is required'],
    ['bad method', { method: 'Status' }, 'method: must match ^[a-z][A-Za-z0-9_.-]{0,127}$'],
    ['params not an object', { method: 'status', params: [1] }, 'params: must be of type object'],
    ['timeout too small', { method: 'status', timeoutMs: 99 }, 'timeoutMs: must be >= 100'],
    ['timeout too large', { method: 'status', timeoutMs: 600001 }, 'timeoutMs: must be <= 600000'],
    ['timeout not an integer', { method: 'status', timeoutMs: 1.5 }, 'timeoutMs: must be of type integer'],
    ['unknown field', { method: 'status', id: 1 }, 'id: is not a known field'],
  ])('rpc: %s -> 400', async (_name, body, message) => {
    await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'rpcuser' } });
    const res = await manager.http.request('POST', '/api/instances/rpcuser/rpc', { key: TEST_API_KEY, body });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toContain(message);
  });

  it.each([
    ['GET', '/api/instances/Bad'],
    ['GET', '/api/instances/a--b'],
    ['DELETE', '/api/instances/_x'],
    ['POST', '/api/instances/9lives/rpc'],
  ])('%s %s: invalid userId in the path -> 400 with the rule', async (method, path) => {
    const res = await manager.http.request(method, path, { key: TEST_API_KEY, ...(method === 'POST' ? { body: { method: 'status' } } : {}) });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toContain('userId must match ^[a-z](-?[a-z0-9])*$');
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', details: { problems: [{ field: 'userId', message: expect.stringMatching(/^must match/) }] } });
  });

  it('names the bad field in details.problems wherever it came from: body, path or query', async () => {
    await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'fields' } });
    const answers = [
      await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'ok', secrets: { KEY: 5 } } }),
      await manager.http.request('GET', '/api/instances/Nope', { key: TEST_API_KEY }),
      await manager.http.request('DELETE', '/api/instances/fields?preservePvc=maybe', { key: TEST_API_KEY }),
      await manager.http.request('POST', '/api/fleet/upgrade', { key: TEST_API_KEY, body: { imageTag: 'v2', userIds: ['fields', 'ghost'] } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    expect(answers.map((a) => (a.body as { details: { problems: unknown[] } }).details.problems)).toEqual([
      [{ field: 'secrets.KEY', message: 'must be of type string' }],
      [{ field: 'userId', message: expect.stringMatching(/^must match/) }],
      [{ field: 'preservePvc', message: 'must be "true" or "false"' }],
      [{ field: 'userIds.1', message: 'no such instance: ghost' }],
    ]);
    for (const answer of answers) expect(isErrorBody(answer.body), answer.text).toBe(true);
  });

  it('never echoes or logs secret values', async () => {
    const value = 'sk-ant-very-secret-value-42';
    const bad = await manager.http.request('POST', '/api/instances', {
      key: TEST_API_KEY, body: { userId: 'leaky', secrets: { ANTHROPIC_API_KEY: value, bad_name: value } },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain(value);
    const good = await manager.http.request('POST', '/api/instances', {
      key: TEST_API_KEY, body: { userId: 'leaky', secrets: { ANTHROPIC_API_KEY: value } },
    });
    expect(good.status).toBe(202);
    expect(good.text).not.toContain(value);
    expect(manager.logs()).toContain('ANTHROPIC_API_KEY');
    expect(manager.logs()).not.toContain(value);
  });
});

describe('request schemas that refer to each other', () => {
  it.each(['fleet-upgrade-request', 'create-instance', 'rollback-request', 'rpc-request', 'whatsapp-qr-request', 'whatsapp-wait-request'] as const)(
    'validate when %s is the first body a fresh process sees',
    async (first) => {
      vi.resetModules();
      const { validateBody } = await import('../../manager/src/validation/body-validator.js');
      const { InvalidRequest } = await import('../../manager/src/errors/http-error.js');
      expect(() => validateBody(first, { notAField: true })).toThrow(InvalidRequest);
      expect(() => validateBody('fleet-upgrade-request', { imageTag: 'v2', userIds: ['Bad'] })).toThrow(/userIds\.0: must match/);
      expect(validateBody('fleet-upgrade-request', { imageTag: 'v2', userIds: ['alice'] })).toMatchObject({ userIds: ['alice'] });
    },
  );
});

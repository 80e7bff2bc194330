import { afterEach, describe, expect, it } from 'vitest';
import {
  GatewayAuthFailed, GatewayError, GatewayProtocolMismatch, GatewayRequestFailed, GatewayScopeMissing, GatewayTimeout, GatewayUnavailable,
} from '../../manager/src/gateway/gateway-errors.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

/** Records calls and answers with a fixed result or error: a double of our own pool interface. */
class ScriptedPool implements GatewayCaller {
  readonly calls: { key: string; target: { url: string; token: string }; method: string; params: unknown; opts: unknown }[] = [];
  readonly evicted: string[] = [];
  answer: unknown = { ok: true };
  error: unknown;

  async call<T>(key: string, target: { url: string; token: string }, method: string, params?: unknown, opts?: unknown): Promise<T> {
    this.calls.push({ key, target, method, params, opts });
    if (this.error !== undefined) throw this.error;
    return this.answer as T;
  }

  evict(key: string): void {
    this.evicted.push(key);
  }
}

describe('RPC route', () => {
  let manager: TestManager<MemoryRuntime>;
  let pool: ScriptedPool;
  afterEach(async () => manager?.close());

  async function start(): Promise<void> {
    pool = new ScriptedPool();
    manager = await startTestManager({ pool });
    manager.runtime.readyOnCreate = true;
    await manager.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'alice' } });
  }

  const rpc = (body: unknown, user = 'alice') => manager.http.request('POST', `/api/instances/${user}/rpc`, { key: TEST_API_KEY, body });

  it('answers {"result": payload} and passes method, params and timeout to the pool', async () => {
    await start();
    pool.answer = { runtimeVersion: '2026.9.6' };
    const res = await rpc({ method: 'status', params: { probe: true }, timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: { runtimeVersion: '2026.9.6' } });
    expect(pool.calls[0]).toMatchObject({ method: 'status', params: { probe: true }, opts: { timeoutMs: 5000 }, target: manager.runtime.target });
    await rpc({ method: 'health' });
    expect(pool.calls[1]).toMatchObject({ params: {}, opts: { timeoutMs: 30000 } });
  });

  it('answers 404 for an unknown instance and 503 for one that is not ready', async () => {
    await start();
    expect((await rpc({ method: 'status' }, 'bob')).status).toBe(404);
    manager.runtime.setReady('alice', false);
    const notReady = await rpc({ method: 'status' });
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ code: 'INSTANCE_NOT_READY' });
    expect(notReady.headers.get('retry-after')).toBe('5');
    expect(pool.calls).toHaveLength(0);
  });

  it.each<[string, GatewayError, number, Record<string, unknown>]>([
    ['unknown method', new GatewayRequestFailed('INVALID_REQUEST', 'unknown method: x'), 400, { error: 'unknown method: x', code: 'INVALID_REQUEST' }],
    ['bad params, with details', new GatewayRequestFailed('INVALID_REQUEST', 'bad', { details: { field: 'channel' } }), 400, { code: 'INVALID_REQUEST', details: { gateway: { field: 'channel' } } }],
    ['missing scope', new GatewayScopeMissing('FORBIDDEN', 'missing scope: operator.admin'), 403, { code: 'FORBIDDEN', error: 'missing scope: operator.admin' }],
    ['scope code on a plain failure', new GatewayRequestFailed('INVALID_REQUEST', 'no', { details: { code: 'MISSING_SCOPE' } }), 403, { code: 'INVALID_REQUEST' }],
    ['timeout', new GatewayTimeout('TIMEOUT', 'status timed out after 100 ms'), 504, { code: 'TIMEOUT', error: 'status timed out after 100 ms' }],
    ['unavailable', new GatewayUnavailable('UNAVAILABLE', 'gateway starting', { retryAfterMs: 2500, details: { reason: 'x' } }), 503, { code: 'UNAVAILABLE', error: 'gateway starting' }],
    ['auth failed', new GatewayAuthFailed('INVALID_REQUEST', 'unauthorized', { details: { code: 'AUTH_TOKEN_MISMATCH' } }), 502, { code: 'INVALID_REQUEST', error: 'unauthorized' }],
    ['protocol mismatch', new GatewayProtocolMismatch('INVALID_REQUEST', 'protocol mismatch'), 502, { error: 'protocol mismatch' }],
    ['other gateway failure', new GatewayRequestFailed('INTERNAL', 'boom', { details: { stack: 'internal' } }), 502, { code: 'INTERNAL', error: 'boom' }],
  ])('%s -> %i', async (_name, error, status, body) => {
    await start();
    pool.error = error;
    const res = await rpc({ method: 'status' });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(body);
    if (status >= 500) expect(res.body).not.toHaveProperty('details');
    if (status === 503) expect(res.headers.get('retry-after')).toBe('3');
  });

  it('counts RPCs by method and outcome, folding unknown method names', async () => {
    await start();
    await rpc({ method: 'status' });
    pool.error = new GatewayTimeout('TIMEOUT', 't');
    await rpc({ method: 'status' });
    await rpc({ method: 'made.up.method' });
    const metrics = (await manager.http.request('GET', '/metrics', { key: TEST_API_KEY })).text;
    expect(metrics).toContain('openclaw_manager_gateway_rpc_total{method="status",outcome="ok"} 1');
    expect(metrics).toContain('openclaw_manager_gateway_rpc_total{method="status",outcome="TIMEOUT"} 1');
    expect(metrics).toContain('openclaw_manager_gateway_rpc_total{method="other",outcome="TIMEOUT"} 1');
  });

  it('drops the pooled connection when the instance is deleted or its gateway changes', async () => {
    await start();
    await rpc({ method: 'status' });
    const firstKey = pool.calls[0]?.key;
    manager.runtime.target = { url: 'ws://127.0.0.1:9', token: 'rotated' };
    await rpc({ method: 'status' });
    expect(pool.evicted).toEqual([firstKey]);
    expect(pool.calls[1]?.key).not.toBe(firstKey);
    await manager.http.request('DELETE', '/api/instances/alice', { key: TEST_API_KEY });
    expect(pool.evicted).toEqual([firstKey, pool.calls[1]?.key]);
  });
});

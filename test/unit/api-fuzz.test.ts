// Bad input over the whole API (see test/support/api-fuzz.ts), against the real middleware and
// routes over the in-memory runtime: never a 5xx, always the JSON error shape, nothing created or
// deleted, no secret in any log line. Reproduce a failure with OPENCLAW_FUZZ_SEED=<seed it printed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../../manager/src/auth/failure-limiter.js';
import { GatewayRequestFailed } from '../../manager/src/gateway/gateway-errors.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { fuzzApi } from '../support/api-fuzz.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

const USER_SECRET = 'sk-ant-fuzz-user-secret-0123456789';

/** A gateway that refuses every call the way the real one refuses an unknown method. */
const refusingGateway: GatewayCaller = {
  call: (_key, _target, method) => Promise.reject(new GatewayRequestFailed('INVALID_REQUEST', `unknown method: ${method}`)),
  evict: () => undefined,
};

describe('API fuzz (memory runtime)', () => {
  let manager: TestManager;

  beforeAll(async () => {
    const runtime = new MemoryRuntime();
    runtime.readyOnCreate = true;
    await runtime.create({ userId: 'alice', secrets: { ANTHROPIC_API_KEY: USER_SECRET } });
    // A limiter that never throttles, so authenticated requests keep reaching the routes.
    manager = await startTestManager({ runtime, pool: refusingGateway, deps: { authLimiter: new AuthFailureLimiter({ burst: 1e9 }) } });
  });

  afterAll(async () => {
    await manager?.close();
  });

  it('never answers 5xx, always answers errors as {"error": string, ...}, and creates or deletes nothing', async () => {
    const { checked } = await fuzzApi({
      baseUrl: manager.http.url,
      apiKey: TEST_API_KEY,
      existingUsers: ['alice'],
      listUsers: async () => (await manager.runtime.list()).map((i) => i.userId),
      numRuns: 400,
    });
    expect(checked).toBeGreaterThan(300);
    expect(manager.runtime.created.map((s) => s.userId)).toEqual(['alice']);
    expect(manager.runtime.deleted).toEqual([]);
    expect((await manager.http.request('GET', '/health')).status).toBe(200);
    const logs = manager.logs();
    expect(logs).not.toContain(TEST_API_KEY);
    expect(logs).not.toContain(USER_SECRET);
  }, 120_000);
});

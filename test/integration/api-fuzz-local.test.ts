// The API fuzz (test/support/api-fuzz.ts) for a short run against the real local runtime: the same
// properties as the unit run (no 5xx, the JSON error shape, no key without 401, nothing created or
// deleted), now through the runtime's own lookups and errors. Reproduce with OPENCLAW_FUZZ_SEED.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../manager/src/app.js';
import { AuthFailureLimiter } from '../../manager/src/auth/failure-limiter.js';
import { loadConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import { LocalRuntime } from '../../manager/src/runtime/local/local-runtime.js';
import { fuzzApi } from '../support/api-fuzz.js';
import { ensureOpenclaw } from '../support/gateway-instance.js';
import { serveApp, type ManagerHttp } from '../support/manager-http.js';

const KEY = 'fuzz-local-key-0123456789abcdef';

describe('API fuzz (local runtime)', () => {
  let dataDir: string;
  let runtime: LocalRuntime;
  let pool: GatewayPool;
  let http: ManagerHttp;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'fuzz-local-'));
    const config = loadConfig({ ...(process.env as Record<string, string>), OPENCLAW_MANAGER_API_KEY: KEY, OPENCLAW_RUNTIME: 'local', OPENCLAW_LOCAL_DATA_DIR: dataDir, OPENCLAW_BIN: ensureOpenclaw() });
    // The fuzz's failed authentications are expected: only errors go to the console (all is captured).
    const logger = createLogger('error');
    runtime = new LocalRuntime({
      dataDir, entrypoint: config.entrypoint, openclawBin: config.openclawBin, baseEnv: config.childEnv, logger,
      browser: { available: false, missing: ['(not needed here)'] },
    });
    await runtime.start();
    pool = new GatewayPool();
    http = await serveApp(createApp(config, { runtime, pool, logger, authLimiter: new AuthFailureLimiter({ burst: 1e9 }) }));
  });

  afterAll(async () => {
    await http?.close();
    await pool?.closeAll();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds for 300 generated requests, and nothing appears in the data directory', async () => {
    const { checked } = await fuzzApi({
      baseUrl: http.url,
      apiKey: KEY,
      existingUsers: [],
      listUsers: async () => (await runtime.list()).map((i) => i.userId),
      numRuns: 300,
    });
    expect(checked).toBeGreaterThan(200);
    expect(readdirSync(dataDir)).toEqual([]);
  }, 120_000);
});

// 20 s of `health` RPCs at 50 per second through the manager (its own process, local runtime) to a
// real gateway: every one answered 200. bench/rpc-soak.ts runs the 60 s version and reports memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRuntimeEnv, startManagerProcess, waitRunning, type ManagerProcess } from '../support/manager-process.js';
import { soakRpc } from '../support/rpc-soak.js';

const KEY = 'soak-test-key-0123456789abcdef';
const USER = 'soak';

describe('RPC soak through the manager', () => {
  let dataDir: string;
  let manager: ManagerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'rpc-soak-'));
    manager = await startManagerProcess({ env: { ...localRuntimeEnv(dataDir, KEY), OPENCLAW_LOG_LEVEL: 'warn' } });
    const created = await manager.api('POST', '/api/instances', { userId: USER });
    expect([201, 202], created.text).toContain(created.status);
    await waitRunning(manager.api, USER);
  }, 400_000);

  afterAll(async () => {
    await manager?.api('DELETE', `/api/instances/${USER}?preservePvc=false`).catch(() => undefined);
    await manager?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 1,000 health RPCs at 50/s over 20 s without one error', async () => {
    const result = await soakRpc({ managerUrl: manager.url, managerPid: manager.pid, apiKey: KEY, userId: USER, ratePerSecond: 50, durationMs: 20_000 });
    expect(result.errors, result.samples.join('\n')).toEqual({});
    expect(result.ok).toBe(1000);
    expect(result.rss.length).toBeGreaterThan(0);
  }, 120_000);
});

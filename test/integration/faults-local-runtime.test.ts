// Faults on the local runtime, with the manager as its own process (node manager/dist/main.js) and
// a real gateway: the manager killed in the middle of a create, then the gateway killed in the
// middle of an RPC.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { sessionProcesses } from '../support/gateway-instance.js';
import { waitFor } from '../support/kube.js';
import { localRuntimeEnv, startManagerProcess, waitRunning, type ManagerProcess } from '../support/manager-process.js';
import { kill } from '../support/process-table.js';

const KEY = 'local-fault-key-0123456789abcdef';
const USER = 'dora';

describe('faults on the local runtime', () => {
  let dataDir: string;
  let manager: ManagerProcess | undefined;
  let instance: Instance;
  const start = (): Promise<ManagerProcess> => startManagerProcess({ env: localRuntimeEnv(dataDir, KEY) });
  const rpc = (method: string, timeoutMs = 30_000): ReturnType<ManagerProcess['api']> =>
    (manager as ManagerProcess).api('POST', `/api/instances/${USER}/rpc`, { method, timeoutMs });
  const gatewayPid = (): number => Number(readFileSync(path.join(dataDir, USER, 'state', 'run', 'gateway.pid'), 'utf8').trim());

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'faults-local-'));
  });

  afterAll(async () => {
    if (manager) {
      await manager.api('DELETE', `/api/instances/${USER}?preservePvc=false`).catch(() => undefined);
      await manager.stop();
    }
    const pid = instance?.runtime.pid;
    if (typeof pid === 'number') for (const p of sessionProcesses(pid)) kill(p, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('manager killed in the middle of a create: the next manager adopts the instance, which reaches Running and answers', async () => {
    const first = await start();
    const record = path.join(dataDir, USER, 'runtime', 'instance.json');
    const answer = first.api('POST', '/api/instances', { userId: USER, secrets: { ANTHROPIC_API_KEY: 'sk-ant-fault-local-runtime' } }).catch((err: unknown) => err);
    await waitFor('the instance record', async () => (existsSync(record) ? true : undefined), 30_000);
    await first.crash('process');
    await answer;

    manager = await start();
    instance = await waitRunning<Instance>(manager.api, USER);
    const list = (await manager.api('GET', '/api/instances')).body as { instances: Instance[] };
    expect(list.instances.map((i) => i.userId)).toEqual([USER]);
    expect((await rpc('health')).status).toBe(200);
    // Exactly one entrypoint session runs for the user.
    expect(sessionProcesses(instance.runtime.pid as number).length).toBeGreaterThan(0);
    expect((await manager.api('POST', '/api/instances', { userId: USER })).status).toBe(409);
  }, 400_000);

  it('gateway killed during an RPC: a 5xx JSON answer within seconds, and the pool serves again once the instance is back', async () => {
    expect((await rpc('health')).status).toBe(200);
    const pid = gatewayPid();
    // Frozen first, so the call is surely in flight when the gateway dies.
    kill(pid, 'SIGSTOP');
    const started = Date.now();
    const pending = rpc('health', 120_000);
    await new Promise((r) => setTimeout(r, 500));
    kill(pid, 'SIGKILL');
    const res = await pending;
    const elapsedMs = Date.now() - started;
    expect([502, 503], res.text).toContain(res.status);
    expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String), code: expect.any(String) }));
    expect(elapsedMs).toBeLessThan(10_000);

    await waitFor('RPCs answered again', async () => ((await rpc('health')).status === 200 ? true : undefined), 280_000);
    expect(gatewayPid()).not.toBe(pid);
    expect((await rpc('status')).status).toBe(200);
  }, 400_000);
});

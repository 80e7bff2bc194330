// The operator's flow (GUIDE.md) against the manager with the local runtime: every instance is the
// real entrypoint running the pinned OpenClaw gateway; nothing is stubbed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerConfig } from '../../manager/src/config.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { sessionProcesses } from '../support/gateway-instance.js';
import { type JsonResponse } from '../support/manager-http.js';
import { localManagerConfig, startLocalManager, stopLocalManager, waitRunning, type LocalManager } from '../support/local-manager.js';

const KEY = 'local-flow-key-0123456789abcdef';
const OPENCLAW_VERSION = /^OPENCLAW_VERSION=(.+)$/m.exec(readFileSync('versions.env', 'utf8'))?.[1];

describe('manager on the local runtime', () => {
  let dataDir: string;
  let config: ManagerConfig;
  let manager: LocalManager;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  function userProcesses(instance: Instance): number[] {
    return sessionProcesses(instance.runtime.pid as number);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'manager-local-'));
    config = localManagerConfig(KEY, dataDir);
    manager = await startLocalManager(config);
  });

  afterAll(async () => {
    if (!manager) return;
    for (const instance of await manager.runtime.list()) await manager.runtime.delete(instance.userId, { purge: true });
    await stopLocalManager(manager);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health openly and refuses /api without the right key', async () => {
    const health = await manager.http.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    for (const key of [undefined, 'wrong-key-0123456789abcdef']) {
      const res = await manager.http.request('GET', '/api/instances', key === undefined ? {} : { key });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Missing or invalid Authorization header', code: 'AUTHENTICATION_REQUIRED' });
    }
  });

  it('creates alice, lists her, reaches Running and answers RPCs with the gateway\'s own answers', async () => {
    const created = await api('POST', '/api/instances', { userId: 'alice', secrets: { ANTHROPIC_API_KEY: 'sk-ant-local-test' } });
    expect([201, 202]).toContain(created.status);
    expect(created.body).toMatchObject({ userId: 'alice', dataVolume: { name: 'alice-openclaw-data', kept: true } });
    expect(created.text).not.toContain('sk-ant-local-test');

    const list = await api('GET', '/api/instances');
    expect((list.body as { instances: Instance[] }).instances.map((i) => i.userId)).toEqual(['alice']);

    const running = await waitRunning(manager.http, KEY, 'alice');
    expect(running.runtime).toMatchObject({ kind: 'local', browser: { enabled: false } });

    const status = await api('POST', '/api/instances/alice/rpc', { method: 'status', params: {} });
    expect(status.status).toBe(200);
    expect((status.body as { result: { runtimeVersion: string } }).result.runtimeVersion).toBe(OPENCLAW_VERSION);

    const health = await api('POST', '/api/instances/alice/rpc', { method: 'health', timeoutMs: 10_000 });
    expect(health.status).toBe(200);
    expect(health.body).toHaveProperty('result');

    const unknown = await api('POST', '/api/instances/alice/rpc', { method: 'channel.status' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'INVALID_REQUEST', error: expect.stringContaining('unknown method') });

    // The user's secret reached the gateway process as an environment variable.
    const gatewayPid = readFileSync(path.join(running.dataVolume.path ?? '', 'run', 'gateway.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${gatewayPid}/environ`, 'utf8').split('\0')).toContain('ANTHROPIC_API_KEY=sk-ant-local-test');

    expect((await api('POST', '/api/instances', { userId: 'alice' })).status).toBe(409);
  }, 320_000);

  it('deletes keeping the data, gives it back on re-create, and purges it with preservePvc=false', async () => {
    const before = (await api('GET', '/api/instances/alice')).body as Instance;
    const stateDir = before.dataVolume.path ?? '';
    writeFileSync(path.join(stateDir, 'kept-note.txt'), 'still here');

    const deleted = await api('DELETE', '/api/instances/alice');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, userId: 'alice', dataVolume: { name: 'alice-openclaw-data', kept: true } });
    expect(userProcesses(before)).toEqual([]);
    expect((await api('GET', '/api/instances/alice')).status).toBe(404);
    expect((await api('DELETE', '/api/instances/alice')).status).toBe(404);
    expect(readFileSync(path.join(stateDir, 'kept-note.txt'), 'utf8')).toBe('still here');

    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: 'alice' })).status);
    const again = await waitRunning(manager.http, KEY, 'alice');
    expect(again.dataVolume.path).toBe(stateDir);
    expect(readFileSync(path.join(stateDir, 'kept-note.txt'), 'utf8')).toBe('still here');

    expect((await api('DELETE', '/api/instances/alice?preservePvc=maybe')).status).toBe(400);
    const purged = await api('DELETE', '/api/instances/alice?preservePvc=false');
    expect(purged.status).toBe(200);
    expect(purged.body).toMatchObject({ dataVolume: { kept: false } });
    expect(existsSync(path.join(dataDir, 'alice'))).toBe(false);
    expect(userProcesses(again)).toEqual([]);
  }, 320_000);

  it('lets exactly one of 20 parallel creates of one user win; the rest get 409 and nothing is left over', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => api('POST', '/api/instances', { userId: 'racer' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201 || s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const list = (await api('GET', '/api/instances')).body as { instances: Instance[] };
    expect(list.instances.filter((i) => i.userId === 'racer')).toHaveLength(1);
    const racer = (await api('GET', '/api/instances/racer')).body as Instance;

    expect((await api('DELETE', '/api/instances/racer?preservePvc=false')).status).toBe(200);
    expect(userProcesses(racer)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'racer'))).toBe(false);
    expect((await api('GET', '/api/instances')).body).toEqual({ instances: [] });
  }, 120_000);

  it('re-adopts running instances after a manager restart, and restarts dead ones from their record', async () => {
    await api('POST', '/api/instances', { userId: 'carol', secrets: { OPENAI_API_KEY: 'sk-carol' } });
    const first = await waitRunning(manager.http, KEY, 'carol');
    writeFileSync(path.join(first.dataVolume.path ?? '', 'carol-note.txt'), 'survives restarts');

    await stopLocalManager(manager);
    manager = await startLocalManager(config);
    const adopted = await waitRunning(manager.http, KEY, 'carol');
    expect(adopted.runtime.pid).toBe(first.runtime.pid);
    expect(adopted.createdAt).toBe(first.createdAt);
    expect((await api('POST', '/api/instances/carol/rpc', { method: 'status' })).status).toBe(200);

    // The instance dies while no manager is watching: the next manager restarts it from its record.
    await stopLocalManager(manager);
    for (const pid of userProcesses(first)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone with its parent
      }
    }
    await expect.poll(() => userProcesses(first), { timeout: 10_000 }).toEqual([]);
    manager = await startLocalManager(config);
    const restarted = await waitRunning(manager.http, KEY, 'carol');
    expect(restarted.runtime.pid).not.toBe(first.runtime.pid);
    expect(restarted.createdAt).toBe(first.createdAt);
    expect(readFileSync(path.join(restarted.dataVolume.path ?? '', 'carol-note.txt'), 'utf8')).toBe('survives restarts');
    const gatewayPid = readFileSync(path.join(restarted.dataVolume.path ?? '', 'run', 'gateway.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${gatewayPid}/environ`, 'utf8').split('\0')).toContain('OPENAI_API_KEY=sk-carol');
    expect((await api('POST', '/api/instances/carol/rpc', { method: 'status' })).status).toBe(200);

    expect((await api('DELETE', '/api/instances/carol?preservePvc=false')).status).toBe(200);
    expect(userProcesses(restarted)).toEqual([]);
  }, 600_000);
});

// Fleet upgrades with a canary and automatic rollback on the local runtime, where an image tag picks
// the OpenClaw binary from OPENCLAW_LOCAL_VERSIONS_DIR: a tag whose binary exits at once is rolled
// back to the revision before (the real gateway of the pinned OpenClaw answers again), a tag with no
// binary is refused before anything changes, a good tag really runs its own binary, and a rollback
// by hand brings the first one back.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerConfig } from '../../manager/src/config.js';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { Instance, InstanceRevision } from '../../manager/src/runtime/instance-runtime.js';
import { type JsonResponse } from '../support/manager-http.js';
import { localManagerConfig, startLocalManager, stopLocalManager, waitRunning, type LocalManager } from '../support/local-manager.js';

const KEY = 'local-rollback-key-0123456789abcdef';

describe('upgrades and rollback on the local runtime', () => {
  let root: string;
  let versionsDir: string;
  let config: ManagerConfig;
  let manager: LocalManager;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  async function runToEnd(body: unknown): Promise<FleetUpgradeRun> {
    const begun = await api('POST', '/api/fleet/upgrade', body);
    expect(begun.status, begun.text).toBe(202);
    return manager.app.fleet.finished((begun.body as FleetUpgradeRun).id);
  }

  async function revisions(): Promise<[number, string, string][]> {
    const res = await api('GET', '/api/instances/alice/revisions');
    expect(res.status, res.text).toBe(200);
    return (res.body as { revisions: InstanceRevision[] }).revisions.map((r) => [r.revision, r.imageTag, r.cause]);
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'rollback-local-'));
    versionsDir = path.join(root, 'versions');
    const probe = localManagerConfig(KEY, path.join(root, 'instances'));
    const pinned = path.dirname(path.dirname(probe.openclawBin));
    // A release that cannot start: its launcher exits at once, as a broken install would (its plugin
    // seed is a good one, so the launcher is all that fails).
    mkdirSync(path.join(versionsDir, 'broken', 'bin'), { recursive: true });
    symlinkSync(path.join(pinned, 'plugins'), path.join(versionsDir, 'broken', 'plugins'));
    writeFileSync(path.join(versionsDir, 'broken', 'bin', 'openclaw'), '#!/bin/sh\necho "openclaw: broken on purpose" >&2\nexit 1\n');
    chmodSync(path.join(versionsDir, 'broken', 'bin', 'openclaw'), 0o755);
    // A good release: the pinned one as scripts/install-openclaw lays it out (bin/openclaw, plugins/).
    symlinkSync(pinned, path.join(versionsDir, 'good'));
    config = localManagerConfig(KEY, path.join(root, 'instances'), { OPENCLAW_IMAGE_TAG: 'v1', OPENCLAW_LOCAL_VERSIONS_DIR: versionsDir });
    manager = await startLocalManager(config);
    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: 'alice' })).status);
    await waitRunning(manager.http, KEY, 'alice');
  }, 320_000);

  afterAll(async () => {
    if (manager) {
      for (const instance of await manager.runtime.list()) await manager.runtime.delete(instance.userId, { purge: true });
      await stopLocalManager(manager);
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('rolls a canary whose binary exits back to the revision before, and it answers RPC again', async () => {
    const before = (await api('GET', '/api/instances/alice')).body as Instance;
    const run = await runToEnd({ imageTag: 'broken', timeoutSeconds: 120, canary: { count: 1, soakSeconds: 2 } });
    expect(run.state).toBe('failed');
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ userId: 'alice', status: 'rolledBack', previousRevision: 1 });
    expect(run.results[0]?.message).toMatch(/^Instance "alice" was rolled back to revision 1 \(v1\): Instance "alice" failed on broken: exited with code \d+/);
    const after = await waitRunning(manager.http, KEY, 'alice');
    expect(after).toMatchObject({ imageTag: 'v1', image: `local:${config.openclawBin}` });
    expect(after.runtime.pid).not.toBe(before.runtime.pid);
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'health' })).status).toBe(200);
    expect(await revisions()).toEqual([[3, 'v1', 'Rollback to 1'], [2, 'broken', `fleet run ${run.id}: upgrade to broken`], [1, 'v1', 'create']]);
  }, 400_000);

  it('refuses a tag with no binary before anything changes', async () => {
    const pid = ((await api('GET', '/api/instances/alice')).body as Instance).runtime.pid;
    const run = await runToEnd({ imageTag: 'ghost', timeoutSeconds: 60 });
    expect(run.state).toBe('failed');
    expect(run.results[0]).toMatchObject({ status: 'failed', message: expect.stringContaining(`imageTag: no OpenClaw for ghost on this machine (${path.join(versionsDir, 'ghost', 'bin', 'openclaw')}`) });
    expect(((await api('GET', '/api/instances/alice')).body as Instance).runtime.pid).toBe(pid);
    expect((await revisions()).map(([revision]) => revision)).toEqual([3, 2, 1]);
  }, 120_000);

  it('runs a good tag on its own binary, and a rollback by hand brings the first one back', async () => {
    const run = await runToEnd({ imageTag: 'good', timeoutSeconds: 280 });
    expect(run.state, JSON.stringify(run.results)).toBe('succeeded');
    const good = await waitRunning(manager.http, KEY, 'alice');
    expect(good).toMatchObject({ imageTag: 'good', image: `local:${path.join(versionsDir, 'good', 'bin', 'openclaw')}` });
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'health' })).status).toBe(200);

    const back = await api('POST', '/api/instances/alice/rollback', { timeoutSeconds: 280 });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ imageTag: 'v1', ready: true, image: `local:${config.openclawBin}` });
    expect((await revisions())[0]).toEqual([5, 'v1', 'Rollback to 3']);
    // Kept across a manager restart, like every other part of the record.
    await stopLocalManager(manager);
    manager = await startLocalManager(config);
    expect((await waitRunning(manager.http, KEY, 'alice')).imageTag).toBe('v1');
    expect((await revisions()).map(([revision]) => revision)).toEqual([5, 4, 3, 2, 1]);
  }, 700_000);
});

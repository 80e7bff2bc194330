// Stop, start, start progress and fleet upgrade on the local runtime, with the real entrypoint
// running the pinned OpenClaw gateway: the state directory survives a stop, a stopped instance
// answers 409 and stays stopped across a manager restart, start brings the same data back, and a
// fleet upgrade (started with `helm openclaw upgrade-all`, the real helm running the plugin bundle)
// really restarts the process and keeps the tag it recorded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { ManagerConfig } from '../../manager/src/config.js';
import type { Instance, StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { sessionProcesses } from '../support/gateway-instance.js';
import { PLUGIN_DIRS, installPlugins, runHelm, type PluginHome } from '../support/helm.js';
import { type JsonResponse } from '../support/manager-http.js';
import { localManagerConfig, startLocalManager, stopLocalManager, waitRunning, type LocalManager } from '../support/local-manager.js';
import { openSse } from '../support/sse-client.js';

const KEY = 'local-lifecycle-key-0123456789abcdef';

describe('lifecycle on the local runtime', () => {
  let dataDir: string;
  let config: ManagerConfig;
  let manager: LocalManager;
  let plugins: PluginHome;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-local-'));
    config = localManagerConfig(KEY, dataDir, { OPENCLAW_IMAGE_TAG: 'v1' });
    manager = await startLocalManager(config);
    plugins = await installPlugins([PLUGIN_DIRS.openclaw]);
    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: 'alice', secrets: { ANTHROPIC_API_KEY: 'sk-ant-lifecycle' } })).status);
    await waitRunning(manager.http, KEY, 'alice');
  }, 320_000);

  afterAll(async () => {
    if (!manager) return;
    for (const instance of await manager.runtime.list()) await manager.runtime.delete(instance.userId, { purge: true });
    await stopLocalManager(manager);
    rmSync(dataDir, { recursive: true, force: true });
    plugins?.remove();
  });

  it('stops: the processes end, the data stays, traffic gets 409, and a restarted manager leaves it stopped', async () => {
    const running = (await api('GET', '/api/instances/alice')).body as Instance;
    expect(running).toMatchObject({ imageTag: 'v1' });
    const stateDir = running.dataVolume.path ?? '';
    writeFileSync(path.join(stateDir, 'before-stop.txt'), 'kept across stop and start');
    const token = readFileSync(path.join(dataDir, 'alice', 'runtime', 'gateway-token'), 'utf8');
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'status' })).status).toBe(200);

    const stopped = await api('POST', '/api/instances/alice/stop');
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body).toMatchObject({ phase: 'Stopped', ready: false, runtime: { pid: null } });
    expect(sessionProcesses(running.runtime.pid as number)).toEqual([]);
    expect(readFileSync(path.join(stateDir, 'before-stop.txt'), 'utf8')).toBe('kept across stop and start');
    expect(readFileSync(path.join(dataDir, 'alice', 'runtime', 'gateway-token'), 'utf8')).toBe(token);
    expect((await api('POST', '/api/instances/alice/stop')).body).toMatchObject({ phase: 'Stopped' });

    for (const [method, p, body] of [['POST', 'rpc', { method: 'status' }], ['GET', 'whatsapp/status', undefined], ['POST', 'vnc/ticket', undefined]] as const) {
      const res = await api(method, `/api/instances/alice/${p}`, body);
      expect(res.status, p).toBe(409);
      expect(res.body, p).toMatchObject({ code: 'INSTANCE_STOPPED' });
    }

    await stopLocalManager(manager);
    manager = await startLocalManager(config);
    // Several monitor rounds pass: a stopped record is not mistaken for a dead instance to restart.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await api('GET', '/api/instances/alice')).body).toMatchObject({ phase: 'Stopped', runtime: { pid: null } });
  }, 120_000);

  it('starts again with the same data and token, its progress streamed stage by stage to ready, never silent for 5 s', async () => {
    const stream = await openSse<StartProgress>(`${manager.http.url}/api/instances/alice/progress`, KEY);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await stream.until((e) => e.progress === 0);

    const started = await api('POST', '/api/instances/alice/start');
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({ phase: 'Starting', imageTag: 'v1' });
    const last = await stream.until((e) => e.ready || e.failed);
    await stream.ended;
    expect(last).toEqual({ progress: 100, message: 'gateway ready', ready: true, failed: false });
    const steps = stream.events.map((e) => e.progress);
    expect(steps, JSON.stringify(stream.events)).toEqual([...steps].sort((a, b) => a - b));
    expect(steps[0]).toBe(0);
    const messages = stream.events.map((e) => e.message);
    for (const stage of ['gateway: process started, loading OpenClaw', 'gateway: loading plugins', 'gateway: starting channels and sidecars']) {
      expect(messages, JSON.stringify(stream.events)).toContain(stage);
    }
    const afterStart = stream.receivedAt.slice(stream.events.findIndex((e) => e.progress > 0));
    const gaps = afterStart.slice(1).map((at, i) => at - (afterStart[i] as number));
    expect(Math.max(...gaps), JSON.stringify(gaps)).toBeLessThanOrEqual(5_000);

    const instance = await waitRunning(manager.http, KEY, 'alice');
    expect(readFileSync(path.join(instance.dataVolume.path ?? '', 'before-stop.txt'), 'utf8')).toBe('kept across stop and start');
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'status' })).status).toBe(200);
    expect((await api('POST', '/api/instances/alice/start')).status).toBe(200);
  }, 320_000);

  it('rolls to a new tag with helm openclaw upgrade-all: a new process, the tag kept across restart, stop and start', async () => {
    const before = await waitRunning(manager.http, KEY, 'alice');
    const rolled = await runHelm(['openclaw', 'upgrade-all', '--image-tag', 'v2', '--max-unavailable', '1', '--timeout', '280s', '--manager-url', manager.http.url], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: KEY },
    });
    expect(rolled.exitCode, `${rolled.stdout}\n${rolled.stderr}`).toBe(0);
    const lines = rolled.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^fleet upgrade [0-9a-f]{12}: 1 instance\(s\) to v2, 1 at a time$/);
    expect(lines[1]?.split(/\s+/)).toEqual(['alice', 'upgraded', 'running', 'v2']);
    expect(lines[2]).toMatch(/^fleet upgrade [0-9a-f]{12} succeeded: 1 instance\(s\) to v2: 1 upgraded, 0 rolled back, 0 failed, 0 skipped$/);
    expect(`${rolled.stdout}${rolled.stderr}`).not.toContain(KEY);

    const after = (await api('GET', '/api/instances/alice')).body as Instance;
    expect(after).toMatchObject({ phase: 'Running', imageTag: 'v2' });
    expect(after.runtime.pid).not.toBe(before.runtime.pid);
    expect(sessionProcesses(before.runtime.pid as number)).toEqual([]);
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'status' })).status).toBe(200);

    await stopLocalManager(manager);
    manager = await startLocalManager(config);
    expect((await waitRunning(manager.http, KEY, 'alice')).imageTag).toBe('v2');
    expect((await api('POST', '/api/instances/alice/stop')).body).toMatchObject({ phase: 'Stopped', imageTag: 'v2' });
    const again = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2' });
    const second = await manager.app.fleet.finished((again.body as FleetUpgradeRun).id);
    expect(second.results).toEqual([{ userId: 'alice', status: 'skipped', message: 'already on v2' }]);
    expect((await api('POST', '/api/instances/alice/start')).status).toBe(202);
    expect((await waitRunning(manager.http, KEY, 'alice')).imageTag).toBe('v2');
  }, 600_000);
});

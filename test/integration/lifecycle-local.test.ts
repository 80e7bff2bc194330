// Stop, start, start progress and fleet upgrade on the local runtime, with the real entrypoint
// running the pinned OpenClaw gateway: the state directory survives a stop, a stopped instance
// answers 409 and stays stopped across a manager restart, start brings the same data back, and a
// fleet upgrade (started with `helm openclaw upgrade-all`, the real helm running the plugin bundle)
// really restarts the process and keeps the tag it recorded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import type { FleetUpgradeRun } from '../../manager/src/lifecycle/fleet-upgrades.js';
import { createLogger } from '../../manager/src/logger.js';
import type { Instance, StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { LocalRuntime } from '../../manager/src/runtime/local/local-runtime.js';
import { ensureOpenclaw, sessionProcesses } from '../support/gateway-instance.js';
import { PLUGIN_DIRS, installPlugins, runHelm, type PluginHome } from '../support/helm.js';
import { serveApp, type JsonResponse, type ManagerHttp } from '../support/manager-http.js';
import { openSse } from '../support/sse-client.js';

const KEY = 'local-lifecycle-key-0123456789abcdef';
const START_TIMEOUT_MS = 280_000;

interface Manager {
  readonly http: ManagerHttp;
  readonly runtime: LocalRuntime;
  readonly pool: GatewayPool;
  readonly app: ReturnType<typeof createApp>;
}

describe('lifecycle on the local runtime', () => {
  let dataDir: string;
  let config: ManagerConfig;
  let manager: Manager;
  let plugins: PluginHome;

  async function startManager(): Promise<Manager> {
    const logger = createLogger('warn');
    // Gateway-only: the browser stack is covered by the VNC suites; here it would only cost memory.
    const runtime = new LocalRuntime({
      dataDir, entrypoint: config.entrypoint, openclawBin: config.openclawBin, baseEnv: config.childEnv, logger, imageTag: config.imageTag,
      browser: { available: false, missing: ['(turned off in this test)'] },
    });
    await runtime.start();
    const pool = new GatewayPool();
    const app = createApp(config, { runtime, pool, logger });
    return { http: await serveApp(app), runtime, pool, app };
  }

  async function stopManager(m: Manager): Promise<void> {
    await m.http.close();
    await m.pool.closeAll();
    await m.runtime.close();
  }

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  async function waitRunning(userId: string): Promise<Instance> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last: JsonResponse | undefined;
    while (Date.now() < deadline) {
      last = await api('GET', `/api/instances/${userId}`);
      const instance = last.body as Instance;
      if (last.status === 200 && instance.phase === 'Running' && instance.ready) return instance;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`${userId} did not become Running: ${last?.text}`);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lifecycle-local-'));
    config = loadConfig({
      ...(process.env as Record<string, string>),
      OPENCLAW_MANAGER_API_KEY: KEY,
      OPENCLAW_RUNTIME: 'local',
      OPENCLAW_LOCAL_DATA_DIR: dataDir,
      OPENCLAW_BIN: ensureOpenclaw(),
      OPENCLAW_IMAGE_TAG: 'v1',
    });
    manager = await startManager();
    plugins = await installPlugins([PLUGIN_DIRS.openclaw]);
    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: 'alice', secrets: { ANTHROPIC_API_KEY: 'sk-ant-lifecycle' } })).status);
    await waitRunning('alice');
  }, 320_000);

  afterAll(async () => {
    if (!manager) return;
    for (const instance of await manager.runtime.list()) await manager.runtime.delete(instance.userId, { purge: true });
    await stopManager(manager);
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

    await stopManager(manager);
    manager = await startManager();
    // Several monitor rounds pass: a stopped record is not mistaken for a dead instance to restart.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await api('GET', '/api/instances/alice')).body).toMatchObject({ phase: 'Stopped', runtime: { pid: null } });
  }, 120_000);

  it('starts again with the same data and token, its progress streamed in increasing steps to ready', async () => {
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
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps[0]).toBe(0);
    expect(steps.length).toBeGreaterThanOrEqual(3);

    const instance = await waitRunning('alice');
    expect(readFileSync(path.join(instance.dataVolume.path ?? '', 'before-stop.txt'), 'utf8')).toBe('kept across stop and start');
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'status' })).status).toBe(200);
    expect((await api('POST', '/api/instances/alice/start')).status).toBe(200);
  }, 320_000);

  it('rolls to a new tag with helm openclaw upgrade-all: a new process, the tag kept across restart, stop and start', async () => {
    const before = await waitRunning('alice');
    const rolled = await runHelm(['openclaw', 'upgrade-all', '--image-tag', 'v2', '--max-unavailable', '1', '--timeout', '280s', '--manager-url', manager.http.url], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: KEY },
    });
    expect(rolled.exitCode, `${rolled.stdout}\n${rolled.stderr}`).toBe(0);
    const lines = rolled.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^fleet upgrade [0-9a-f]{12}: 1 instance\(s\) to v2, 1 at a time$/);
    expect(lines[1]?.split(/\s+/)).toEqual(['alice', 'upgraded', 'running', 'v2']);
    expect(lines[2]).toMatch(/^fleet upgrade [0-9a-f]{12} succeeded: 1 instance\(s\) to v2: 1 upgraded, 0 failed, 0 skipped$/);
    expect(`${rolled.stdout}${rolled.stderr}`).not.toContain(KEY);

    const after = (await api('GET', '/api/instances/alice')).body as Instance;
    expect(after).toMatchObject({ phase: 'Running', imageTag: 'v2' });
    expect(after.runtime.pid).not.toBe(before.runtime.pid);
    expect(sessionProcesses(before.runtime.pid as number)).toEqual([]);
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'status' })).status).toBe(200);

    await stopManager(manager);
    manager = await startManager();
    expect((await waitRunning('alice')).imageTag).toBe('v2');
    expect((await api('POST', '/api/instances/alice/stop')).body).toMatchObject({ phase: 'Stopped', imageTag: 'v2' });
    const again = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2' });
    const second = await manager.app.fleet.finished((again.body as FleetUpgradeRun).id);
    expect(second.results).toEqual([{ userId: 'alice', status: 'skipped', message: 'already on v2' }]);
    expect((await api('POST', '/api/instances/alice/start')).status).toBe(202);
    expect((await waitRunning('alice')).imageTag).toBe('v2');
  }, 600_000);
});

// A manager on the local runtime, in this process, for integration suites: real entrypoint, real
// gateway, gateway-only (the browser stack is covered by the VNC suites; here it would only cost memory).
import { createApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { LocalRuntime } from '../../manager/src/runtime/local/local-runtime.js';
import { ensureOpenclaw } from './gateway-instance.js';
import { serveApp, type JsonResponse, type ManagerHttp } from './manager-http.js';
import { machineEnv } from './machine-env.js';

export interface LocalManager {
  readonly http: ManagerHttp;
  readonly runtime: LocalRuntime;
  readonly pool: GatewayPool;
  readonly app: ReturnType<typeof createApp>;
}

/** The manager's config for a local runtime keeping instances under dataDir; extra env on top. */
export function localManagerConfig(key: string, dataDir: string, extra: Record<string, string> = {}): ManagerConfig {
  return loadConfig({
    ...machineEnv(),
    OPENCLAW_MANAGER_API_KEY: key,
    OPENCLAW_RUNTIME: 'local',
    OPENCLAW_LOCAL_DATA_DIR: dataDir,
    OPENCLAW_BIN: ensureOpenclaw(),
    ...extra,
  });
}

export async function startLocalManager(config: ManagerConfig): Promise<LocalManager> {
  const logger = createLogger('warn');
  const runtime = new LocalRuntime({
    dataDir: config.localDataDir, entrypoint: config.entrypoint, openclawBin: config.openclawBin, baseEnv: config.childEnv, logger,
    imageTag: config.imageTag, browser: { available: false, missing: ['(turned off in this test)'] },
    ...(config.localVersionsDir === undefined ? {} : { versionsDir: config.localVersionsDir }),
  });
  await runtime.start();
  const pool = new GatewayPool();
  const app = createApp(config, { runtime, pool, logger });
  await app.backups.settle();
  return { http: await serveApp(app), runtime, pool, app };
}

/** Stops serving and watching; the instances keep running, as when the real manager exits. */
export async function stopLocalManager(m: LocalManager): Promise<void> {
  await m.http.close();
  await m.pool.closeAll();
  await m.runtime.close();
}

/** Polls GET /api/instances/:userId until Running and ready. */
export async function waitRunning(http: ManagerHttp, key: string, userId: string, timeoutMs = 280_000): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  let last: JsonResponse | undefined;
  while (Date.now() < deadline) {
    last = await http.request('GET', `/api/instances/${userId}`, { key });
    const instance = last.body as Instance;
    if (last.status === 200 && instance.phase === 'Running' && instance.ready) return instance;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${userId} did not become Running: ${last?.text}`);
}

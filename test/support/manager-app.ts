// Builds a manager app for HTTP-level unit tests: real middleware and routes over a MemoryRuntime,
// with logs captured so tests can check that no secret is ever written.
import { PassThrough } from 'node:stream';
import { createApp, type AppDeps, type ManagerApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import { createLogger } from '../../manager/src/logger.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import type { InstanceRuntime } from '../../manager/src/runtime/instance-runtime.js';
import { serveApp, type ManagerHttp } from './manager-http.js';
import { MemoryRuntime } from './memory-runtime.js';

export const TEST_API_KEY = 'test-key-0123456789abcdef-XYZ';

export interface TestManager<R extends InstanceRuntime = MemoryRuntime> {
  readonly http: ManagerHttp;
  readonly runtime: R;
  readonly config: ManagerConfig;
  /** The app itself (its fleet upgrades, idle stop). */
  readonly app: ManagerApp;
  /** Every log line written so far. */
  logs(): string;
  close(): Promise<void>;
}

export interface TestManagerOptions<R extends InstanceRuntime> {
  readonly runtime?: R;
  readonly pool?: GatewayCaller;
  readonly env?: Record<string, string>;
  readonly deps?: Partial<Omit<AppDeps, 'runtime' | 'pool' | 'logger'>>;
}

/** A pool that must not be called (routes that never reach a gateway). */
export const unusedPool: GatewayCaller = {
  call: () => Promise.reject(new Error('no gateway in this test')),
  evict: () => undefined,
};

export async function startTestManager<R extends InstanceRuntime = MemoryRuntime>(
  options: TestManagerOptions<R> = {},
): Promise<TestManager<R>> {
  const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: TEST_API_KEY, OPENCLAW_LOG_LEVEL: 'debug', ...options.env });
  const runtime = (options.runtime ?? new MemoryRuntime()) as R;
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger(config.logLevel, stream);
  const app = createApp(config, { ...options.deps, runtime, pool: options.pool ?? unusedPool, logger });
  const http = await serveApp(app);
  return {
    http,
    runtime,
    config,
    app,
    logs: () => chunks.join(''),
    close: () => http.close(),
  };
}

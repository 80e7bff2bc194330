// The manager as main.ts runs it, for VNC tests: createApp on a loopback port plus the VNC upgrade
// handler on the same server, sharing one set of VNC services.
import { createApp } from '../../manager/src/app.js';
import { loadConfig } from '../../manager/src/config.js';
import { createLogger } from '../../manager/src/logger.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import type { InstanceRuntime } from '../../manager/src/runtime/instance-runtime.js';
import { attachVncUpgrade, type VncUpgradeHandle } from '../../manager/src/vnc/vnc-upgrade.js';
import { createVncServices, type VncServices } from '../../manager/src/vnc/vnc-services.js';
import { serveApp, type ManagerHttp } from './manager-http.js';

export interface VncManager {
  readonly http: ManagerHttp;
  readonly apiKey: string;
  readonly vnc: VncServices;
  /** ws:// URL of `path` on the manager. */
  wsUrl(path: string): string;
  close(): Promise<void>;
}

export interface VncManagerOptions {
  readonly runtime: InstanceRuntime;
  readonly now?: () => number;
  readonly maxViewersPerInstance?: number;
  readonly highWaterMark?: number;
  readonly heartbeatMs?: number;
  /** OPENCLAW_IDLE_STOP_AFTER (default off). */
  readonly idleStopAfter?: string;
  readonly logLevel?: 'silent' | 'info' | 'debug';
}

const noGateway: GatewayCaller = {
  call: () => Promise.reject(new Error('no gateway in VNC tests')),
  evict: () => undefined,
};

export async function startVncManager(options: VncManagerOptions): Promise<VncManager> {
  const apiKey = 'vnc-test-key-0123456789abcdef';
  const config = loadConfig({
    OPENCLAW_MANAGER_API_KEY: apiKey, OPENCLAW_RUNTIME: 'local', OPENCLAW_LOG_LEVEL: options.logLevel ?? 'silent',
    ...(options.idleStopAfter ? { OPENCLAW_IDLE_STOP_AFTER: options.idleStopAfter } : {}),
  });
  const logger = createLogger(config.logLevel);
  const vnc = createVncServices({
    apiKey,
    ...(options.now ? { now: options.now } : {}),
    ...(options.maxViewersPerInstance ? { maxViewersPerInstance: options.maxViewersPerInstance } : {}),
  });
  const app = createApp(config, { runtime: options.runtime, pool: noGateway, logger, vnc });
  const http = await serveApp(app);
  // As main.ts does when OPENCLAW_IDLE_STOP_AFTER is set.
  app.idleStop?.start();
  const upgrade: VncUpgradeHandle = attachVncUpgrade(http.server, {
    apiKey,
    runtime: options.runtime,
    vnc,
    logger,
    ...(options.highWaterMark ? { highWaterMark: options.highWaterMark } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  return {
    http,
    apiKey,
    vnc,
    wsUrl: (path) => `${http.url.replace(/^http/, 'ws')}${path}`,
    close: async () => {
      app.idleStop?.stop();
      upgrade.close();
      await http.close();
    },
  };
}

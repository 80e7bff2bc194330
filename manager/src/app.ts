// Builds the Koa app from a configuration and its collaborators. Never listens: main.ts does, and
// tests use app.callback().
import Koa from 'koa';
import type { AppState } from './app-state.js';
import { BackupService } from './backups/backup-service.js';
import { ConsoleSessions } from './auth/console-sessions.js';
import { AuthFailureLimiter } from './auth/failure-limiter.js';
import type { ManagerConfig } from './config.js';
import { ConsoleAssets } from './console/console-assets.js';
import { FleetUpgrades } from './lifecycle/fleet-upgrades.js';
import { IdleStopper } from './lifecycle/idle-stop.js';
import { InstanceLifecycle } from './lifecycle/instance-lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type ManagerMetrics } from './metrics/metrics.js';
import { bearerAuth, isApiPath } from './middleware/auth.js';
import { errorHandler } from './middleware/error-handler.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './middleware/json-body.js';
import { requestContext } from './middleware/request-context.js';
import { routeFallback } from './middleware/route-fallback.js';
import { createPairingServices, type PairingServices } from './pairing/pairing-services.js';
import { isArchiveUpload } from './routes/backups.js';
import { buildRouter } from './routes/build-router.js';
import type { RouteDeps } from './routes/route-deps.js';
import { InstanceRpc, type GatewayCaller } from './rpc/instance-rpc.js';
import { countByPhase, type InstanceRuntime } from './runtime/instance-runtime.js';
import { ViewerAssets } from './viewer/viewer-assets.js';
import { createVncServices, type VncServices } from './vnc/vnc-services.js';

// A canary's gateway answers its health RPC within this, or counts as unhealthy.
const CANARY_HEALTH_TIMEOUT_MS = 10_000;

export interface AppDeps {
  readonly runtime: InstanceRuntime;
  /** The shared GatewayPool. */
  readonly pool: GatewayCaller;
  /** Default: a JSON logger at config.logLevel on stdout. */
  readonly logger?: Logger;
  /** Default: 20 failures in a burst, then one every 2 s per client address. */
  readonly authLimiter?: AuthFailureLimiter;
  /** Default: a fresh registry with process metrics. */
  readonly metrics?: ManagerMetrics;
  /** Default: 512 KiB. */
  readonly bodyLimitBytes?: number;
  /** VNC tickets, sessions and activity, shared with attachVncUpgrade (default: created from config). */
  readonly vnc?: VncServices;
  /** Interval of `: keepalive` comments on progress streams (default 15 s). */
  readonly progressKeepaliveMs?: number;
  /** Default: sessions of 8 h that end after 30 min unused. */
  readonly consoleSessions?: ConsoleSessions;
  /** WhatsApp pairing links (default: links of 5 min opening sessions of 10 min, created from config). */
  readonly pairing?: PairingServices;
}

export interface ManagerApp extends Koa<AppState> {
  readonly logger: Logger;
  readonly metrics: ManagerMetrics;
  readonly vnc: VncServices;
  readonly fleet: FleetUpgrades;
  /** main.ts settles what an earlier manager left half-done before the API serves. */
  readonly backups: BackupService;
  /** Present when OPENCLAW_IDLE_STOP_AFTER is set; main.ts starts and stops its timer. */
  readonly idleStop: IdleStopper | undefined;
}

export const isProtectedPath = (path: string): boolean => isApiPath(path) || path === '/metrics';

/** Everything the routes and main.ts share, built in one place. */
export interface ManagerServices extends RouteDeps {
  readonly logger: Logger;
  /** Present when OPENCLAW_IDLE_STOP_AFTER is set. */
  readonly idleStop: IdleStopper | undefined;
}

export function createServices(config: ManagerConfig, deps: AppDeps): ManagerServices {
  const { runtime } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? createMetrics({ phases: () => countByPhase(runtime) });
  const rpc = new InstanceRpc(runtime, deps.pool, metrics);
  const vnc = deps.vnc ?? createVncServices({ apiKey: config.apiKey, maxViewersPerInstance: config.vncMaxViewers });
  const lifecycle = new InstanceLifecycle(runtime, rpc, vnc.activity);
  const fleet = new FleetUpgrades({
    runtime, lifecycle, logger,
    health: async (userId, signal) => {
      await rpc.call(userId, { method: 'health', params: {}, timeoutMs: CANARY_HEALTH_TIMEOUT_MS }, { signal });
    },
  });
  const backups = new BackupService({
    runtime, store: runtime.backups, lifecycle, keep: config.backupsKeep, importMaxBytes: config.backupImportMaxBytes,
    unreachableMs: config.backupTimeoutMs, logger: logger.child({ component: 'backups' }),
  });
  const idleStop = config.idleStopAfterMs === undefined ? undefined : new IdleStopper({
    runtime,
    stop: (userId) => lifecycle.stop(userId),
    // RPC (WhatsApp included) and VNC traffic both count; a call under way or a viewer connected is use.
    lastActivity: (userId) => latest(rpc.activity.lastActivity(userId), vnc.activity.lastActivity(userId)),
    busy: (userId) => rpc.busy(userId) || vnc.sessions.count(userId) > 0,
    idleAfterMs: config.idleStopAfterMs,
    logger: logger.child({ component: 'idle-stop' }),
  });
  return {
    config, runtime, logger, metrics, rpc, vnc, lifecycle, fleet, backups, idleStop,
    viewerAssets: new ViewerAssets(),
    pairing: deps.pairing ?? createPairingServices({ apiKey: config.apiKey }),
    authLimiter: deps.authLimiter ?? new AuthFailureLimiter(),
    consoleSessions: deps.consoleSessions ?? new ConsoleSessions(),
    consoleAssets: new ConsoleAssets(),
    ...(deps.progressKeepaliveMs === undefined ? {} : { progressKeepaliveMs: deps.progressKeepaliveMs }),
  };
}

export function createApp(config: ManagerConfig, deps: AppDeps): ManagerApp {
  const services = createServices(config, deps);
  const { logger, metrics, vnc, fleet, backups, idleStop, authLimiter, consoleSessions } = services;
  const router = buildRouter(services);

  const app = new Koa<AppState>({ proxy: config.trustProxy }) as Koa<AppState> & { -readonly [K in Exclude<keyof ManagerApp, keyof Koa<AppState>>]: ManagerApp[K] };
  app.silent = true;
  app.logger = logger;
  app.metrics = metrics;
  app.vnc = vnc;
  app.fleet = fleet;
  app.backups = backups;
  app.idleStop = idleStop;
  app.use(requestContext(logger));
  app.use(httpMetrics(metrics));
  app.use(errorHandler());
  app.use(bearerAuth({ apiKey: config.apiKey, limiter: authLimiter, isProtected: isProtectedPath, sessions: consoleSessions }));
  app.use(jsonBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, isArchiveUpload));
  app.use(routeFallback(router));
  app.use(router.routes());
  return app;
}

function latest(...dates: (Date | undefined)[]): number | undefined {
  const times = dates.filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  return times.length === 0 ? undefined : Math.max(...times);
}

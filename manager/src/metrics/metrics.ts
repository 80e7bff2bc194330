// Prometheus metrics of one app instance, in their own registry (never the global one), so several
// apps in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { INSTANCE_PHASES } from '../runtime/instance-runtime.js';

// RPC method names come from clients; only these become label values, anything else is "other".
const KNOWN_RPC_METHODS = new Set([
  'health', 'status', 'channels.status', 'channels.logout', 'web.login.start', 'web.login.wait',
  'browser.request', 'config.get', 'logs.tail',
]);

export interface ManagerMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly gatewayRpc: Counter<'method' | 'outcome'>;
  /** Counts an RPC; `outcome` is "ok" or the error code. */
  recordRpc(method: string, outcome: string): void;
}

export interface MetricsOptions {
  /** Current instances by phase, read at scrape time. */
  readonly phases: () => Promise<Readonly<Record<string, number>>>;
  /** Also collect process metrics (default true). */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): ManagerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'openclaw_manager_' });

  const httpRequests = new Counter({
    name: 'openclaw_manager_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'openclaw_manager_http_request_duration_seconds',
    help: 'HTTP request duration by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  const gatewayRpc = new Counter({
    name: 'openclaw_manager_gateway_rpc_total',
    help: 'Gateway RPCs through the manager by method and outcome (ok or error code)',
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'openclaw_manager_instances',
    help: 'Instances by phase',
    labelNames: ['phase'] as const,
    registers: [registry],
    async collect() {
      const counts = await options.phases();
      for (const phase of INSTANCE_PHASES) this.set({ phase }, counts[phase] ?? 0);
    },
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    gatewayRpc,
    recordRpc(method, outcome) {
      gatewayRpc.inc({ method: KNOWN_RPC_METHODS.has(method) ? method : 'other', outcome });
    },
  };
}

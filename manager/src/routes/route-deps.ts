// What route modules get to work with. Each routes/<area>.ts exports one register function taking
// the router and these.
import type { ManagerConfig } from '../config.js';
import type { ManagerMetrics } from '../metrics/metrics.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';

export interface RouteDeps {
  readonly config: ManagerConfig;
  readonly runtime: InstanceRuntime;
  readonly rpc: InstanceRpc;
  readonly metrics: ManagerMetrics;
}

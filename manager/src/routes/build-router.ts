// Every route of the API, registered area by area. A new area is one routes/<area>.ts with a
// register function, one line here, and its paths in openapi/paths/.
import { Router } from '@koa/router';
import type { AppRouter, AppState } from '../app-state.js';
import { FleetUpgrades } from '../lifecycle/fleet-upgrades.js';
import { InstanceLifecycle } from '../lifecycle/instance-lifecycle.js';
import { createLogger } from '../logger.js';
import { ViewerAssets } from '../viewer/viewer-assets.js';
import { createVncServices } from '../vnc/vnc-services.js';
import { registerFleetRoutes } from './fleet.js';
import { registerHealthRoutes } from './health.js';
import { registerInstanceRoutes } from './instances.js';
import { registerLifecycleRoutes } from './lifecycle.js';
import { registerMetricsRoutes } from './metrics.js';
import { registerOpenApiRoutes } from './openapi.js';
import type { RouteDeps } from './route-deps.js';
import { registerRpcRoutes } from './rpc.js';
import { registerViewerRoutes } from './viewer.js';
import { registerVncRoutes } from './vnc.js';
import { registerWhatsAppRoutes } from './whatsapp.js';

export function buildRouter(deps: RouteDeps): AppRouter {
  const router = new Router<AppState>();
  registerHealthRoutes(router);
  registerOpenApiRoutes(router);
  registerMetricsRoutes(router, deps);
  const vnc = deps.vnc ?? createVncServices({ apiKey: deps.config.apiKey, maxViewersPerInstance: deps.config.vncMaxViewers });
  registerInstanceRoutes(router, { ...deps, vnc });
  const lifecycle = deps.lifecycle ?? new InstanceLifecycle(deps.runtime, deps.rpc);
  registerLifecycleRoutes(router, { runtime: deps.runtime, lifecycle, progressKeepaliveMs: deps.progressKeepaliveMs });
  registerFleetRoutes(router, { fleet: deps.fleet ?? new FleetUpgrades({ runtime: deps.runtime, lifecycle, logger: createLogger('silent') }) });
  registerRpcRoutes(router, deps);
  registerWhatsAppRoutes(router, deps);
  registerVncRoutes(router, { runtime: deps.runtime, vnc });
  registerViewerRoutes(router, { vnc, viewerAssets: deps.viewerAssets ?? new ViewerAssets() });
  return router;
}

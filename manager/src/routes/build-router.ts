// Every route of the API, registered area by area over the services app.ts wired. A new area is one
// routes/<area>.ts with a register function, one line here, and its paths in openapi/paths/.
import { Router } from '@koa/router';
import type { AppRouter, AppState } from '../app-state.js';
import { registerBackupRoutes } from './backups.js';
import { registerConsoleRoutes } from './console.js';
import { registerFleetRoutes } from './fleet.js';
import { registerHealthRoutes } from './health.js';
import { registerInstanceRoutes } from './instances.js';
import { registerLifecycleRoutes } from './lifecycle.js';
import { registerMetricsRoutes } from './metrics.js';
import { registerOpenApiRoutes } from './openapi.js';
import { registerPairingRoutes } from './pairing.js';
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
  registerInstanceRoutes(router, deps);
  registerLifecycleRoutes(router, deps);
  registerFleetRoutes(router, deps);
  registerBackupRoutes(router, deps);
  registerRpcRoutes(router, deps);
  registerWhatsAppRoutes(router, deps);
  registerPairingRoutes(router, deps);
  registerVncRoutes(router, deps);
  registerViewerRoutes(router, deps);
  registerConsoleRoutes(router, deps);
  return router;
}

// Every route of the API, registered area by area. A new area is one routes/<area>.ts with a
// register function, one line here, and its paths in openapi/paths/.
import { Router } from '@koa/router';
import type { AppRouter, AppState } from '../app-state.js';
import { ViewerAssets } from '../viewer/viewer-assets.js';
import { createVncServices } from '../vnc/vnc-services.js';
import { registerHealthRoutes } from './health.js';
import { registerInstanceRoutes } from './instances.js';
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
  registerRpcRoutes(router, deps);
  registerWhatsAppRoutes(router, deps);
  registerVncRoutes(router, { runtime: deps.runtime, vnc });
  registerViewerRoutes(router, { vnc, viewerAssets: deps.viewerAssets ?? new ViewerAssets() });
  return router;
}

// GET /metrics: Prometheus text format, behind the same Bearer auth as /api (instance counts and
// RPC outcomes are not public). Scrape with `authorization: {credentials: <key>}`.
import type { AppRouter } from '../app-state.js';
import type { RouteDeps } from './route-deps.js';

export function registerMetricsRoutes(router: AppRouter, deps: Pick<RouteDeps, 'metrics'>): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
}

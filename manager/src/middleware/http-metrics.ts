// Counts and times every request by its route template (never the raw path: user ids would make
// unbounded label values).
import type { AppMiddleware } from '../app-state.js';
import type { ManagerMetrics } from '../metrics/metrics.js';

export function httpMetrics(metrics: ManagerMetrics): AppMiddleware {
  return async (ctx, next) => {
    const stop = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const label = typeof route === 'string' ? route : 'unmatched';
      metrics.httpRequests.inc({ method: ctx.method, route: label, status: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route: label }, Number(process.hrtime.bigint() - stop) / 1e9);
    }
  };
}

// Runs after the router: a path no route knows is a JSON 404; a known path with another method is a
// JSON 405 with an Allow header.
import type { AppMiddleware, AppRouter } from '../app-state.js';
import { MethodNotAllowed, RouteNotFound } from '../errors/http-error.js';

export function routeFallback(router: AppRouter): AppMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    const matched = router.match(ctx.path, ctx.method);
    if (matched.route) return;
    const allowed = new Set<string>();
    for (const layer of matched.path) for (const method of layer.methods) allowed.add(method);
    if (allowed.size > 0) throw new MethodNotAllowed(ctx.method, [...allowed].sort());
    throw new RouteNotFound(ctx.method, ctx.path);
  };
}

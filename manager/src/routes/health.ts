// GET /health: liveness of the manager itself; open (no auth), no dependencies checked.
import type { AppRouter } from '../app-state.js';

export function registerHealthRoutes(router: AppRouter): void {
  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
}

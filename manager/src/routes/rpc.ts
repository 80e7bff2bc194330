// POST /api/instances/:userId/rpc: any gateway method, answered as {"result": <gateway payload>}.
import type { AppRouter } from '../app-state.js';
import { parseRpcRequest } from '../validation/request-bodies.js';
import { assertUserId } from '../names/user-id.js';
import type { RouteDeps } from './route-deps.js';

export function registerRpcRoutes(router: AppRouter, deps: Pick<RouteDeps, 'rpc'>): void {
  router.post('/api/instances/:userId/rpc', async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const request = parseRpcRequest(ctx.state.body);
    const result = await deps.rpc.call(userId, request);
    ctx.body = { result: result === undefined ? null : result };
  });
}

// Instance lifecycle: create, list, get, delete.
import type { AppRouter } from '../app-state.js';
import { parseCreateInstance, parsePreservePvc } from '../validation/request-bodies.js';
import { assertUserId } from '../names/user-id.js';
import { withVncStatus } from '../vnc/vnc-status.js';
import type { RouteDeps } from './route-deps.js';

export function registerInstanceRoutes(router: AppRouter, deps: Pick<RouteDeps, 'runtime' | 'lifecycle' | 'vnc' | 'backups'>): void {
  const { runtime, lifecycle, vnc, backups } = deps;

  // 201 when the gateway is already ready, 202 while it starts (poll GET until phase Running).
  // With fromBackup, it starts with that backup's data (a clone).
  router.post('/api/instances', async (ctx) => {
    const { fromBackup, ...request } = parseCreateInstance(ctx.state.body);
    const source = fromBackup ? await backups.cloneSource(fromBackup.userId, fromBackup.backupId) : undefined;
    const spec = { ...request, ...(source ? { fromBackup: source } : {}) };
    const instance = await runtime.create(spec);
    ctx.state.log.info({ userId: spec.userId, secretNames: Object.keys(spec.secrets), phase: instance.phase, fromBackup }, 'instance created');
    ctx.status = instance.ready ? 201 : 202;
    ctx.set('Location', `/api/instances/${spec.userId}`);
    ctx.body = instance;
  });

  router.get('/api/instances', async (ctx) => {
    const instances = await runtime.list();
    ctx.body = { instances: instances.map((i) => withVncStatus(i, vnc)) };
  });

  router.get('/api/instances/:userId', async (ctx) => {
    const instance = await runtime.get(assertUserId(ctx.params.userId ?? ''));
    ctx.body = withVncStatus(instance, vnc);
  });

  // Keeps the data unless ?preservePvc=false.
  router.delete('/api/instances/:userId', async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const preserve = parsePreservePvc(ctx.query.preservePvc);
    const result = await lifecycle.delete(userId, { purge: !preserve });
    ctx.state.log.info({ userId, purge: !preserve }, 'instance deleted');
    ctx.body = { deleted: true, ...result };
  });
}

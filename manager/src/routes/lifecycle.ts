// Stop, start, start progress, revisions and rollback of one instance. Stop scales the compute to
// zero and keeps the data, secrets and token; start brings it back; both are idempotent. Progress
// is a server-sent event stream that ends with ready or failed. Rollback answers once the revision
// it brought back is ready.
import type { AppRouter } from '../app-state.js';
import { HttpError } from '../errors/http-error.js';
import { ProgressEmitter } from '../lifecycle/start-progress.js';
import type { Logger } from '../logger.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { assertUserId } from '../names/user-id.js';
import { parseRollbackRequest } from '../validation/request-bodies.js';
import type { RouteDeps } from './route-deps.js';
import { openSseStream, type SseStream } from './sse.js';

export const LIFECYCLE_ROUTES = {
  stop: '/api/instances/:userId/stop',
  start: '/api/instances/:userId/start',
  progress: '/api/instances/:userId/progress',
  revisions: '/api/instances/:userId/revisions',
  rollback: '/api/instances/:userId/rollback',
} as const;

export function registerLifecycleRoutes(router: AppRouter, deps: Pick<RouteDeps, 'runtime' | 'lifecycle' | 'progressKeepaliveMs'>): void {
  router.post(LIFECYCLE_ROUTES.stop, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const instance = await deps.lifecycle.stop(userId);
    ctx.state.log.info({ userId, phase: instance.phase }, 'instance stopped');
    ctx.body = instance;
  });

  // 200 when it is already ready, 202 while it starts (follow GET .../progress or poll GET).
  router.post(LIFECYCLE_ROUTES.start, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const instance = await deps.lifecycle.start(userId);
    ctx.state.log.info({ userId, phase: instance.phase }, 'instance started');
    ctx.status = instance.ready ? 200 : 202;
    ctx.set('Location', `/api/instances/${userId}`);
    ctx.body = instance;
  });

  router.get(LIFECYCLE_ROUTES.progress, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    // Unknown instances get the usual JSON 404, before the stream begins.
    await deps.runtime.get(userId);
    const stream = openSseStream(ctx, deps.progressKeepaliveMs === undefined ? {} : { keepaliveMs: deps.progressKeepaliveMs });
    void followProgress(deps.runtime, userId, stream, ctx.state.log);
  });

  router.get(LIFECYCLE_ROUTES.revisions, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { userId, revisions: await deps.lifecycle.revisions(userId) };
  });

  router.post(LIFECYCLE_ROUTES.rollback, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const body = parseRollbackRequest(ctx.state.body ?? {});
    const instance = await deps.lifecycle.rollback(userId, body.revision, { timeoutMs: body.timeoutSeconds * 1000 });
    ctx.state.log.info({ userId, imageTag: instance.imageTag, revision: body.revision ?? 'previous image' }, 'instance rolled back');
    ctx.body = instance;
  });
}

/** Sends the instance's progress until ready, failed or the client leaves; then ends the response. */
export async function followProgress(runtime: Pick<InstanceRuntime, 'progress'>, userId: string, stream: SseStream, log: Logger): Promise<void> {
  const emitter = new ProgressEmitter();
  try {
    for await (const observed of runtime.progress(userId, stream.signal)) {
      const event = emitter.next(observed);
      if (event) stream.send(event);
      if (emitter.finished) break;
    }
  } catch (err) {
    if (!stream.signal.aborted) {
      const shown = err instanceof HttpError && err.expose;
      if (!shown) log.warn({ err, userId }, 'progress stream failed');
      stream.send(emitter.fail(shown ? err.message : 'cannot follow the instance (details are in the manager log)'));
    }
  } finally {
    stream.close();
  }
}

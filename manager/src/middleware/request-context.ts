// Outermost middleware: gives each request an id (X-Request-Id in and out), a logger bound to it,
// and one access-log line once the answer has gone out, so writing the log never delays the answer.
// URLs are logged with token-like query values redacted.
import { randomUUID } from 'node:crypto';
import type { AppMiddleware, AppState } from '../app-state.js';
import { redactUrl, type Logger } from '../logger.js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request's state; its logger is made only when something logs (most requests log just the access line). */
class RequestState implements AppState {
  body?: unknown;
  private child: Logger | undefined;

  constructor(
    readonly requestId: string,
    private readonly logger: Logger,
  ) {}

  get log(): Logger {
    this.child ??= this.logger.child({ requestId: this.requestId });
    return this.child;
  }
}

export function requestContext(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = CLIENT_ID.test(incoming) ? incoming : randomUUID();
    ctx.state = new RequestState(requestId, logger);
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const { method, originalUrl } = ctx;
    // 'close' comes after 'finish' for an answer sent whole, and alone for a client that left.
    ctx.res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const status = ctx.res.writableFinished ? ctx.status : 499;
      logger[status >= 500 ? 'error' : 'info'](
        { requestId, method, url: redactUrl(originalUrl), status, durationMs: Math.round(durationMs * 10) / 10, ip: ctx.ip },
        'request',
      );
    });
    try {
      await next();
    } finally {
      ctx.set('X-Request-Id', requestId);
    }
  };
}

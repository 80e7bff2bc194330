// Outermost middleware: gives each request an id (X-Request-Id in and out), a child logger, and one
// access-log line when it ends. URLs are logged with token-like query values redacted.
import { randomUUID } from 'node:crypto';
import type { AppMiddleware } from '../app-state.js';
import { redactUrl, type Logger } from '../logger.js';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = CLIENT_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      ctx.set('X-Request-Id', requestId);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = ctx.status >= 500 ? 'error' : 'info';
      ctx.state.log[level](
        { method: ctx.method, url: redactUrl(ctx.originalUrl), status: ctx.status, durationMs: Math.round(durationMs * 10) / 10, ip: ctx.ip },
        'request',
      );
    }
  };
}

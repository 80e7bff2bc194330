// Renders every error as the one JSON shape {"error", "code", "details"?}. Messages and details of
// 4xx errors are sent; 5xx errors send only an exposed message (never details) and are logged whole.
import type { AppMiddleware } from '../app-state.js';
import { HttpError, errorAnswer } from '../errors/http-error.js';

export function errorHandler(): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const { status, body, headers } = errorAnswer(err);
      for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
      if (status >= 500) {
        ctx.state.log.error({ err, status, ...(err instanceof HttpError && err.details ? { details: err.details } : {}) }, 'request failed');
      }
      ctx.status = status;
      ctx.body = body;
    }
  };
}

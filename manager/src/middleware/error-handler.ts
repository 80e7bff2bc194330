// Renders every error as the one JSON shape {"error", "code", "details"?}. Messages and details of
// 4xx errors are sent; 5xx errors send only an exposed message (never details) and are logged whole.
import type { AppMiddleware } from '../app-state.js';
import { HttpError, codeForStatus, describeError } from '../errors/http-error.js';

export interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

export function errorHandler(): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const { status, expose } = describeError(err);
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof HttpError && err.code !== undefined ? err.code : codeForStatus(status);
      const body: ErrorBody = { error: expose ? message : 'Internal server error', code };
      if (err instanceof HttpError) {
        if (err.details !== undefined && status < 500) body.details = err.details;
        for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      }
      if (status >= 500) {
        ctx.state.log.error({ err, status, ...(err instanceof HttpError && err.details ? { details: err.details } : {}) }, 'request failed');
      }
      ctx.status = status;
      ctx.body = body;
    }
  };
}

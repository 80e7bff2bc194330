// Bearer authentication for protected paths. A client that failed too often gets 429 before its key
// is even looked at, so throttled clients learn nothing about the key. A request without an
// Authorization header may instead carry the operator console's session cookie (console-session.ts).
import type { AppMiddleware } from '../app-state.js';
import { apiKeyMatches, parseBearer } from '../auth/api-key.js';
import type { ConsoleSessions } from '../auth/console-sessions.js';
import type { AuthFailureLimiter } from '../auth/failure-limiter.js';
import { AuthenticationRequired, TooManyAuthFailures } from '../errors/http-error.js';
import { assertConsoleWrite, requestSession } from './console-session.js';

export interface BearerAuthOptions {
  readonly apiKey: string;
  readonly limiter: AuthFailureLimiter;
  /** Paths that need the key (default: /api and everything under it). */
  readonly isProtected?: (path: string) => boolean;
  /** Console sessions accepted in place of the key (default: none). */
  readonly sessions?: ConsoleSessions;
}

export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * The path as the router matches it: @koa/router ignores case and a trailing slash, so `/API/x` and
 * `/metrics/` reach the same routes as `/api/x` and `/metrics` and must be protected alike.
 */
export const routedPath = (path: string): string => path.toLowerCase().replace(/\/+$/, '') || '/';

export function bearerAuth(options: BearerAuthOptions): AppMiddleware {
  const isProtected = options.isProtected ?? isApiPath;
  return async (ctx, next) => {
    if (!isProtected(routedPath(ctx.path))) return next();
    const retryAfter = options.limiter.retryAfterSeconds(ctx.ip);
    if (retryAfter > 0) throw new TooManyAuthFailures(retryAfter);
    const authorization = ctx.get('Authorization');
    if (authorization === '' && options.sessions) {
      const session = requestSession(ctx, options.sessions);
      if (session) {
        assertConsoleWrite(ctx, session);
        return next();
      }
    }
    if (!apiKeyMatches(options.apiKey, parseBearer(authorization || undefined))) {
      options.limiter.recordFailure(ctx.ip);
      ctx.state.log.warn({ ip: ctx.ip, path: ctx.path }, 'authentication failed');
      throw new AuthenticationRequired();
    }
    return next();
  };
}

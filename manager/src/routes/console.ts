// The operator console: GET /console serves its page and /console/assets/:name its bundle;
// /console/session signs a browser in with the API key (POST), tells the page its CSRF token (GET)
// and signs it out (DELETE). Outside /api, so no Bearer header: signed in, the page calls the API's
// own routes with its session cookie (middleware/auth.ts).
import type { AppRouter } from '../app-state.js';
import { apiKeyMatches } from '../auth/api-key.js';
import type { ConsoleSession } from '../auth/console-sessions.js';
import type { ConsoleSessionView } from '../contracts/console-session.js';
import { CONSOLE_HEADERS, CONSOLE_HTML } from '../console/console-page.js';
import { TooManyAuthFailures } from '../errors/http-error.js';
import {
  ConsoleKeyRefused, ConsoleNotSignedIn, assertConsoleWrite, assertSameOrigin, clearConsoleCookie, consoleCookie, requestSession, setConsoleCookie,
} from '../middleware/console-session.js';
import { parseConsoleSessionBody } from '../validation/console-bodies.js';
import type { RouteDeps } from './route-deps.js';

export const CONSOLE_ROUTES = {
  page: '/console',
  asset: '/console/assets/:name',
  session: '/console/session',
} as const;

const view = (session: ConsoleSession): ConsoleSessionView => ({ csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });

export function registerConsoleRoutes(router: AppRouter, deps: Pick<RouteDeps, 'config' | 'consoleSessions' | 'consoleAssets' | 'authLimiter'>): void {
  const { consoleSessions: sessions, authLimiter: limiter } = deps;

  router.get(CONSOLE_ROUTES.page, (ctx) => {
    ctx.set(CONSOLE_HEADERS);
    ctx.body = CONSOLE_HTML;
  });

  router.get(CONSOLE_ROUTES.asset, async (ctx) => {
    const asset = await deps.consoleAssets.get(ctx.params.name ?? '');
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = asset.contentType;
    ctx.body = asset.body;
  });

  // Throttled like the Bearer key: the same failures count against the same address.
  router.post(CONSOLE_ROUTES.session, (ctx) => {
    assertSameOrigin(ctx);
    const retryAfter = limiter.retryAfterSeconds(ctx.ip);
    if (retryAfter > 0) throw new TooManyAuthFailures(retryAfter);
    const { apiKey } = parseConsoleSessionBody(ctx.state.body);
    if (!apiKeyMatches(deps.config.apiKey, apiKey)) {
      limiter.recordFailure(ctx.ip);
      ctx.state.log.warn({ ip: ctx.ip }, 'console sign-in failed');
      throw new ConsoleKeyRefused();
    }
    // Ids only ever come from here, so a cookie planted beforehand is never adopted; the session this
    // browser held before ends rather than lingering beside the new one.
    sessions.revoke(consoleCookie(ctx));
    const session = sessions.create();
    setConsoleCookie(ctx, session.id, session.expiresAt);
    ctx.state.log.info({ ip: ctx.ip }, 'console signed in');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = view(session);
  });

  router.get(CONSOLE_ROUTES.session, (ctx) => {
    const session = requestSession(ctx, sessions);
    if (!session) throw new ConsoleNotSignedIn();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = view(session);
  });

  // Signing out is a write too: another site must not be able to end an operator's session.
  router.delete(CONSOLE_ROUTES.session, (ctx) => {
    const session = requestSession(ctx, sessions);
    if (session) {
      assertConsoleWrite(ctx, session);
      sessions.revoke(consoleCookie(ctx));
      ctx.state.log.info({ ip: ctx.ip }, 'console signed out');
    }
    clearConsoleCookie(ctx);
    ctx.status = 204;
  });
}

// The operator console's session on a request: its cookie (HttpOnly so scripts never see it,
// SameSite=Strict so other sites' requests do not carry it, Secure over https) and the rule every
// write made with it follows: it comes from the manager's own origin and carries the session's CSRF
// token in a header, which neither a form nor a script on another origin can send.
import type { AppContext } from '../app-state.js';
import { csrfTokenMatches, type ConsoleSession, type ConsoleSessions } from '../auth/console-sessions.js';
import { CONSOLE_COOKIE, CSRF_HEADER } from '../contracts/console-session.js';
import { HttpError } from '../errors/http-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CrossSiteRequest extends HttpError {
  constructor() {
    super(403, `Refused: a console request that changes something must come from the console itself (same origin, with its ${CSRF_HEADER} header)`, {
      code: 'CROSS_SITE_REQUEST',
    });
  }
}

/** No live console session: never signed in, signed out, expired, or the manager restarted. */
export class ConsoleNotSignedIn extends HttpError {
  constructor() {
    super(401, 'Not signed in to the console (or the session ended); sign in with the API key', { code: 'AUTHENTICATION_REQUIRED' });
  }
}

export class ConsoleKeyRefused extends HttpError {
  constructor() {
    super(401, 'Wrong API key', { code: 'AUTHENTICATION_REQUIRED' });
  }
}

/** The cookie's value (as sent; not yet checked). */
export const consoleCookie = (ctx: AppContext): string | undefined => ctx.cookies.get(CONSOLE_COOKIE) || undefined;

export function setConsoleCookie(ctx: AppContext, id: string, expiresAt: Date): void {
  // ctx.secure follows X-Forwarded-Proto only when OPENCLAW_TRUST_PROXY is on.
  ctx.cookies.set(CONSOLE_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', expires: expiresAt, overwrite: true });
}

export function clearConsoleCookie(ctx: AppContext): void {
  ctx.cookies.set(CONSOLE_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', overwrite: true });
}

/** CrossSiteRequest when the request names an Origin other than the manager's own. */
export function assertSameOrigin(ctx: AppContext): void {
  const origin = ctx.get('Origin');
  // Koa 3's ctx.origin is the Origin header itself; the manager's own comes from the scheme and Host
  // (X-Forwarded-Proto and -Host when OPENCLAW_TRUST_PROXY is on).
  if (origin !== '' && origin !== `${ctx.protocol}://${ctx.host}`) throw new CrossSiteRequest();
}

/** For a request authenticated by `session`: writes need the same origin and the CSRF token; reads pass. */
export function assertConsoleWrite(ctx: AppContext, session: ConsoleSession): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  assertSameOrigin(ctx);
  if (!csrfTokenMatches(session, ctx.get(CSRF_HEADER) || undefined)) throw new CrossSiteRequest();
}

/** The live session of the request's cookie, or undefined. */
export const requestSession = (ctx: AppContext, sessions: ConsoleSessions): ConsoleSession | undefined => sessions.find(consoleCookie(ctx));

// The operator console's session as the API shows it: shared by the manager, which issues it, and
// the console page, which uses it. The session id itself never appears here: only the HttpOnly cookie
// holds it.

export const CONSOLE_COOKIE = 'openclaw_console';
/** The header every write made with the session carries its CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** What POST and GET /console/session answer. */
export interface ConsoleSessionView {
  readonly csrfToken: string;
  /** ISO 8601: the latest the session ends. */
  readonly expiresAt: string;
}

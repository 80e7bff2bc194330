// The operator console's server side through the real app: the page and its headers, signing in
// with the key for an HttpOnly SameSite=Strict cookie, the API taking that cookie in place of the
// key, writes refused without the CSRF token or from another origin, sign-out, throttling; and the
// session table itself with its clock.
import { describe, expect, it, afterEach } from 'vitest';
import { ConsoleSessions } from '../../manager/src/auth/console-sessions.js';
import { AuthFailureLimiter } from '../../manager/src/auth/failure-limiter.js';
import { CONSOLE_HEADERS } from '../../manager/src/console/console-page.js';
import { CONSOLE_COOKIE, CSRF_HEADER, type ConsoleSessionView } from '../../manager/src/contracts/console-session.js';
import type { JsonResponse } from '../support/manager-http.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

interface SignedIn {
  /** The Cookie header that carries the session. */
  readonly cookie: string;
  readonly csrfToken: string;
  readonly setCookie: string;
}

describe('operator console', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  async function start(options: { env?: Record<string, string>; limiter?: AuthFailureLimiter; sessions?: ConsoleSessions } = {}): Promise<void> {
    manager = await startTestManager({
      ...(options.env ? { env: options.env } : {}),
      deps: { ...(options.limiter ? { authLimiter: options.limiter } : {}), ...(options.sessions ? { consoleSessions: options.sessions } : {}) },
    });
    manager.runtime.readyOnCreate = true;
    await manager.runtime.create({ userId: 'alice', secrets: {} });
  }

  const origin = (): string => manager.http.url;
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, path, { headers, ...(body === undefined ? {} : { body }) });

  async function signIn(headers: Record<string, string> = {}): Promise<SignedIn> {
    const res = await send('POST', '/console/session', { Origin: origin(), ...headers }, { apiKey: TEST_API_KEY });
    expect(res.status, res.text).toBe(201);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${CONSOLE_COOKIE}=`)) ?? '';
    const value = /^[^=]+=([^;]*)/.exec(setCookie)?.[1] ?? '';
    return { cookie: `${CONSOLE_COOKIE}=${value}`, csrfToken: (res.body as ConsoleSessionView).csrfToken, setCookie };
  }

  it('serves the page with a CSP that admits only its own script and style and forbids framing', async () => {
    await start();
    const page = await send('GET', '/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="/console/assets/console.js"></script>');
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) expect(page.headers.get(name), name).toBe(value);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);

    const script = await send('GET', '/console/assets/console.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await send('GET', '/console/assets/console.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const name of ['nope.js', 'constructor', '..%2fconsole.js']) {
      expect((await send('GET', `/console/assets/${name}`)).body, name).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('signs in with the key for an HttpOnly, SameSite=Strict cookie that is neither the key nor in any log', async () => {
    await start();
    const { cookie, csrfToken, setCookie } = await signIn();
    expect(setCookie).toMatch(/; path=\/;/);
    expect(setCookie).toMatch(/; samesite=strict/);
    expect(setCookie).toMatch(/; httponly$/);
    expect(setCookie).not.toMatch(/secure/);
    expect(cookie).toMatch(new RegExp(`^${CONSOLE_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(`${setCookie} ${csrfToken}`).not.toContain(TEST_API_KEY);

    const session = await send('GET', '/console/session', { Cookie: cookie });
    expect(session.status).toBe(200);
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect(session.body).toMatchObject({ csrfToken });
    expect(manager.logs()).toContain('"msg":"console signed in"');
    expect(manager.logs()).not.toContain(TEST_API_KEY);
    expect(manager.logs()).not.toContain(cookie.split('=')[1]);
  });

  it('marks the cookie Secure when the request came over https through a trusted proxy', async () => {
    await start({ env: { OPENCLAW_TRUST_PROXY: 'true' } });
    const { setCookie } = await signIn({ 'X-Forwarded-Proto': 'https', Origin: origin().replace('http:', 'https:') });
    expect(setCookie).toMatch(/; secure; httponly$/);
  });

  it('refuses a wrong key, a bad body and a sign-in posted from another origin', async () => {
    await start();
    const wrong = await send('POST', '/console/session', {}, { apiKey: `${TEST_API_KEY}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'Wrong API key', code: 'AUTHENTICATION_REQUIRED' });
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(wrong.text).not.toContain(TEST_API_KEY);
    for (const body of [{}, { apiKey: 1 }, { apiKey: '' }, { apiKey: TEST_API_KEY, remember: true }]) {
      const res = await send('POST', '/console/session', {}, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.text).not.toContain(TEST_API_KEY);
    }
    const foreign = await send('POST', '/console/session', { Origin: 'http://evil.example' }, { apiKey: TEST_API_KEY });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    expect(foreign.headers.getSetCookie()).toEqual([]);
    expect((await send('GET', '/console/session')).status).toBe(401);
  });

  it('lets the cookie read the API; a write needs the CSRF token and, when it names one, the same origin', async () => {
    await start();
    const { cookie, csrfToken } = await signIn();
    expect((await send('GET', '/api/instances', { Cookie: cookie })).body).toMatchObject({ instances: [{ userId: 'alice' }] });
    expect((await send('GET', '/api/instances', { Cookie: `${CONSOLE_COOKIE}=${'A'.repeat(43)}` })).status).toBe(401);

    const refused: Record<string, string>[] = [
      { Cookie: cookie },
      { Cookie: cookie, Origin: origin() },
      { Cookie: cookie, [CSRF_HEADER]: 'B'.repeat(43), Origin: origin() },
      { Cookie: cookie, [CSRF_HEADER]: csrfToken, Origin: 'http://127.0.0.1:1' },
      { Cookie: cookie, [CSRF_HEADER]: csrfToken, Origin: 'null' },
    ];
    for (const headers of refused) {
      const res = await send('POST', '/api/instances/alice/stop', headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    }
    expect((await send('DELETE', '/api/instances/alice', { Cookie: cookie })).status).toBe(403);
    expect(manager.runtime.stops).toEqual([]);
    expect(manager.runtime.deleted).toEqual([]);

    const stopped = await send('POST', '/api/instances/alice/stop', { Cookie: cookie, [CSRF_HEADER]: csrfToken, Origin: origin() });
    expect(stopped.status).toBe(200);
    // Without an Origin (not a browser) the token alone is enough.
    expect((await send('POST', '/api/instances/alice/start', { Cookie: cookie, [CSRF_HEADER]: csrfToken })).status).toBe(200);
    expect(manager.runtime.stops).toEqual(['alice']);
  });

  it('judges a request with an Authorization header by that header alone', async () => {
    await start();
    const { cookie, csrfToken } = await signIn();
    const res = await send('GET', '/api/instances', { Cookie: cookie, [CSRF_HEADER]: csrfToken, Authorization: 'Bearer wrong-key-0123456789' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'Missing or invalid Authorization header' });
    expect((await manager.http.request('GET', '/api/instances', { key: TEST_API_KEY })).status).toBe(200);
  });

  it('signs out only with the CSRF token, and the cookie opens nothing afterwards', async () => {
    await start();
    const { cookie, csrfToken } = await signIn();
    expect((await send('DELETE', '/console/session', { Cookie: cookie })).status).toBe(403);
    const out = await send('DELETE', '/console/session', { Cookie: cookie, [CSRF_HEADER]: csrfToken, Origin: origin() });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(new RegExp(`^${CONSOLE_COOKIE}=; path=/; expires=Thu, 01 Jan 1970`));
    expect((await send('GET', '/console/session', { Cookie: cookie })).status).toBe(401);
    expect((await send('GET', '/api/instances', { Cookie: cookie })).status).toBe(401);
    // Signed out already: nothing to check, the cookie is cleared again.
    expect((await send('DELETE', '/console/session', { Cookie: cookie })).status).toBe(204);
  });

  it('counts wrong keys at sign-in and on the Bearer API against the same address', async () => {
    await start({ limiter: new AuthFailureLimiter({ burst: 2, refillPerSecond: 0.001 }) });
    expect((await manager.http.request('GET', '/api/instances', { key: 'not-the-key-0123456789' })).status).toBe(401);
    expect((await send('POST', '/console/session', {}, { apiKey: 'not-the-key' })).status).toBe(401);
    const throttled = await send('POST', '/console/session', {}, { apiKey: TEST_API_KEY });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a new sign-in replaces the session the browser held', async () => {
    await start();
    const first = await signIn();
    const second = await signIn({ Cookie: first.cookie });
    expect(second.cookie).not.toBe(first.cookie);
    expect((await send('GET', '/console/session', { Cookie: first.cookie })).status).toBe(401);
    expect((await send('GET', '/console/session', { Cookie: second.cookie })).status).toBe(200);
  });
});

describe('ConsoleSessions', () => {
  it.each([
    { what: 'lives until its TTL however busy', ttlMs: 1000, idleMs: 600, steps: [400, 400, 400], alive: [true, true, false] },
    { what: 'ends after idleMs unused', ttlMs: 10_000, idleMs: 600, steps: [500, 700], alive: [true, false] },
  ])('$what', ({ ttlMs, idleMs, steps, alive }) => {
    let now = 0;
    const sessions = new ConsoleSessions({ ttlMs, idleMs, now: () => now });
    const { id } = sessions.create();
    const seen = steps.map((step) => {
      now += step;
      return sessions.find(id) !== undefined;
    });
    expect(seen).toEqual(alive);
  });

  it('keeps at most maxSessions, dropping the oldest, and finds nothing for other values', () => {
    const sessions = new ConsoleSessions({ maxSessions: 2 });
    const [a, b, c] = [sessions.create(), sessions.create(), sessions.create()];
    expect([a, b, c].map((s) => sessions.find(s.id) !== undefined)).toEqual([false, true, true]);
    for (const value of [undefined, '', 'short', `${b.id}x`, b.csrfToken]) expect(sessions.find(value), String(value)).toBeUndefined();
    sessions.revoke(b.id);
    expect(sessions.size).toBe(1);
  });
});

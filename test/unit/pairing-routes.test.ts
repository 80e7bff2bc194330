// The pairing page's routes over HTTP (createApp + MemoryRuntime): minting a link with the API key,
// the page and its refusals, the ticket traded once for a session, and the session driving a login
// through a pool double of the manager's own GatewayCaller interface. The browser, the protocol
// double and the real gateway are in test/e2e/pairing-page.test.ts.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPairingServices } from '../../manager/src/pairing/pairing-services.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { PAIRING_HEADERS, PAIRING_HTML, pairingRefusalHtml } from '../../manager/src/viewer/pairing-page.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

const QR1 = 'data:image/png;base64,UVIx';
const QR2 = 'data:image/png;base64,UVIy';
const OFFLINE = 'WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

/** A pool whose gateway answers each method with `answer(method, params)`; records the calls. */
function pool(answer: (method: string, params: unknown) => Promise<unknown>): GatewayCaller & { methods: string[]; tokens: string[] } {
  const methods: string[] = [];
  const tokens: string[] = [];
  return {
    methods,
    tokens,
    call: async <T>(_key: string, target: { token: string }, method: string, params?: unknown) => {
      methods.push(method);
      tokens.push(target.token);
      return (await answer(method, params)) as T;
    },
    evict: () => undefined,
  };
}

/** QR 1, then QR 2 on the first wait, then linked. */
const happyGateway = () => {
  let waits = 0;
  return pool(async (method) => {
    if (method === 'web.login.start') return { qrDataUrl: QR1, message: 'Scan this QR in WhatsApp → Linked Devices.' };
    waits += 1;
    return waits === 1 ? { connected: false, qrDataUrl: QR2, message: 'QR refreshed.' } : { connected: true, message: '✅ Linked! WhatsApp is ready.' };
  });
};

describe('pairing page routes', () => {
  let manager: TestManager<MemoryRuntime>;
  const clock = { skewMs: 0 };
  afterEach(async () => {
    clock.skewMs = 0;
    await manager?.close();
  });

  const start = async (gateway: GatewayCaller): Promise<void> => {
    const pairing = createPairingServices({ apiKey: TEST_API_KEY, now: () => Date.now() + clock.skewMs });
    manager = await startTestManager({ pool: gateway, deps: { pairing } });
    manager.runtime.readyOnCreate = true;
    await manager.runtime.create({ userId: 'alice', secrets: {} });
  };
  const mint = async (userId = 'alice'): Promise<string> => {
    const res = await manager.http.request('POST', `/api/instances/${userId}/whatsapp/pair-ticket`, { key: TEST_API_KEY });
    expect(res.status, res.text).toBe(200);
    return new URL((res.body as { pageUrl: string }).pageUrl, 'http://x').searchParams.get('ticket') ?? '';
  };
  const open = (ticket: string, userId = 'alice') => manager.http.request('POST', `/pair/${userId}/session`, { body: { ticket } });
  const session = (method: string, path: string, token: string) => manager.http.request(method, `/pair/alice/${path}`, { headers: { Authorization: `Bearer ${token}` } });

  it('mints a link with the API key: the page URL with a single-use ticket, valid 5 minutes', async () => {
    await start(happyGateway());
    const before = Date.now();
    const res = await manager.http.request('POST', '/api/instances/alice/whatsapp/pair-ticket', { key: TEST_API_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.body as { pageUrl: string; expiresAt: string };
    expect(body.pageUrl).toMatch(/^\/pair\/alice\?ticket=[0-9a-z]+\.[\w-]{22}\.[\w-]{43}$/);
    expect(Date.parse(body.expiresAt) - before).toBeGreaterThanOrEqual(299_000);
    expect(Date.parse(body.expiresAt) - before).toBeLessThanOrEqual(301_000);
  });

  it.each([
    { name: 'without the key', path: '/api/instances/alice/whatsapp/pair-ticket', key: undefined, status: 401, code: 'AUTHENTICATION_REQUIRED' },
    { name: 'for an unknown instance', path: '/api/instances/bob/whatsapp/pair-ticket', key: TEST_API_KEY, status: 404, code: 'INSTANCE_NOT_FOUND' },
    { name: 'for an invalid user id', path: '/api/instances/Bob/whatsapp/pair-ticket', key: TEST_API_KEY, status: 400, code: 'INVALID_REQUEST' },
  ])('refuses a link $name', async ({ path, key, status, code }) => {
    await start(happyGateway());
    const res = await manager.http.request('POST', path, key === undefined ? {} : { key });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code });
  });

  it('refuses a link to a stopped instance', async () => {
    await start(happyGateway());
    await manager.http.request('POST', '/api/instances/alice/stop', { key: TEST_API_KEY });
    const res = await manager.http.request('POST', '/api/instances/alice/whatsapp/pair-ticket', { key: TEST_API_KEY });
    expect(res).toMatchObject({ status: 409, body: { code: 'INSTANCE_STOPPED' } });
  });

  it('serves the page with its strict headers; the page load leaves the ticket usable', async () => {
    await start(happyGateway());
    const ticket = await mint();
    const res = await manager.http.request('GET', `/pair/alice?ticket=${encodeURIComponent(ticket)}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe(PAIRING_HTML);
    for (const [name, value] of Object.entries(PAIRING_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    expect((await open(ticket)).status).toBe(201);
    // Without a ticket the page loads too: its script picks up the tab's session, or says the link is incomplete.
    expect((await manager.http.request('GET', '/pair/alice')).text).toBe(PAIRING_HTML);
    // The access log keeps the path, never the ticket.
    expect(manager.logs()).toContain('/pair/alice?ticket=[REDACTED]');
    expect(manager.logs()).not.toContain(ticket);
  });

  it.each([
    { name: 'used', ticket: async (t: string) => ((await open(t)).status === 201 ? t : ''), message: 'This pairing link has been used already (each link works once); ask for a new link.' },
    { name: 'expired', ticket: async (t: string) => ((clock.skewMs = 300_000), t), message: 'This pairing link has expired; ask for a new link.' },
    { name: 'forged', ticket: async (t: string) => `${t.slice(0, -2)}AA`, message: 'This pairing link is not valid (it is incomplete, or older than the server\'s last restart); ask for a new link.' },
    { name: 'another user\'s', ticket: async () => 'x', message: 'This pairing link is not valid (it is incomplete, or older than the server\'s last restart); ask for a new link.' },
  ])('a $name link gets the page saying so (401), without its script', async ({ ticket, message }) => {
    await start(happyGateway());
    const presented = await ticket(await mint());
    const res = await manager.http.request('GET', `/pair/alice?ticket=${encodeURIComponent(presented)}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-security-policy')).toBe(PAIRING_HEADERS['Content-Security-Policy']);
    expect(res.text).toBe(pairingRefusalHtml(message));
    expect(res.text).toContain('data-state="refused"');
    expect(res.text).not.toContain('<script');
  });

  it('trades the ticket once for a session; the second try is refused with PAIRING_TICKET_USED', async () => {
    await start(happyGateway());
    const ticket = await mint();
    const opened = await open(ticket);
    expect(opened.status).toBe(201);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    expect(opened.body).toEqual({ token: expect.stringMatching(/^[\w-]{43}$/), state: 'ready', message: 'No QR code shown yet.', attemptsLeft: 3, expiresInMs: expect.any(Number) });
    const again = await open(ticket);
    expect(again).toMatchObject({ status: 401, body: { code: 'PAIRING_TICKET_USED', error: 'This pairing link has been used already (each link works once); ask for a new link.' } });
  });

  it.each([
    { body: {}, error: 'ticket: is required' },
    { body: { ticket: '' }, error: 'ticket: must NOT have fewer than 1 characters' },
    { body: { ticket: 'x'.repeat(201) }, error: 'ticket: must be at most 200 characters' },
    { body: { ticket: 'x', force: true }, error: 'force: is not a known field' },
  ])('a session body $body is a 400', async ({ body, error }) => {
    await start(happyGateway());
    const res = await manager.http.request('POST', '/pair/alice/session', { body });
    expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST', error } });
  });

  it('a session drives the login like /whatsapp/qr and /wait: QR, rotated QR, linked; no key or gateway token ever reaches the page', async () => {
    const gateway = happyGateway();
    await start(gateway);
    const opened = await open(await mint());
    const { token } = opened.body as { token: string };
    const answers = [opened];
    const login = await session('POST', 'login', token);
    answers.push(login);
    expect(login.body).toMatchObject({ state: 'qr', qrDataUrl: QR1, qrExpiresInMs: expect.any(Number), attemptsLeft: 2 });
    const rotated = await session('POST', 'wait', token);
    answers.push(rotated);
    expect(rotated.body).toMatchObject({ state: 'qr', qrDataUrl: QR2 });
    // A reloaded page asks for the state as it is.
    const resumed = await session('GET', 'session', token);
    answers.push(resumed);
    expect(resumed.body).toMatchObject({ state: 'qr', qrDataUrl: QR2 });
    const linked = await session('POST', 'wait', token);
    answers.push(linked);
    expect(linked.body).toMatchObject({ state: 'linked', message: '✅ Linked! WhatsApp is ready.' });
    expect(gateway.methods).toEqual(['web.login.start', 'web.login.wait', 'web.login.wait']);
    for (const answer of answers) {
      expect(answer.text).not.toContain(TEST_API_KEY);
      expect(answer.text).not.toContain(gateway.tokens[0]);
    }
    expect(manager.logs()).not.toContain(token);
  });

  it('WhatsApp unreachable: the login is a failed state with tries left; when none are left, a 403', async () => {
    const gateway = pool(async () => ({ message: OFFLINE }));
    await start(gateway);
    const { token } = (await open(await mint())).body as { token: string };
    for (const attemptsLeft of [2, 1, 0]) {
      expect((await session('POST', 'login', token)).body).toMatchObject({ state: 'failed', message: OFFLINE, attemptsLeft });
    }
    expect((await session('POST', 'login', token)).body).toMatchObject({ code: 'PAIRING_ATTEMPTS_USED', error: 'This link has shown all of its 3 QR codes; ask for a new link.' });
    expect(gateway.methods).toEqual(['web.login.start', 'web.login.start', 'web.login.start']);
  });

  it('an instance that is not ready is the API\'s own error, and the session stays usable', async () => {
    const gateway = happyGateway();
    await start(gateway);
    const { token } = (await open(await mint())).body as { token: string };
    manager.runtime.setReady('alice', false);
    expect(await session('POST', 'login', token)).toMatchObject({ status: 503, body: { code: 'INSTANCE_NOT_READY' } });
    manager.runtime.setReady('alice', true);
    expect((await session('POST', 'login', token)).body).toMatchObject({ state: 'qr', attemptsLeft: 2 });
  });

  it('refuses session calls without the session\'s token, with another user\'s, or once a newer link replaced it', async () => {
    await start(happyGateway());
    const { token } = (await open(await mint())).body as { token: string };
    const bob = await manager.runtime.create({ userId: 'bob', secrets: {} });
    const { token: bobToken } = (await open(await mint(bob.userId), 'bob')).body as { token: string };
    for (const presented of [undefined, 'not-a-token', bobToken, TEST_API_KEY]) {
      const headers: Record<string, string> = presented === undefined ? {} : { Authorization: `Bearer ${presented}` };
      for (const [method, path] of [['GET', 'session'], ['POST', 'login'], ['POST', 'wait']] as const) {
        const res = await manager.http.request(method, `/pair/alice/${path}`, { headers });
        expect(res, `${method} ${path}`).toMatchObject({ status: 401, body: { code: 'PAIRING_SESSION_ENDED' } });
      }
    }
    expect((await session('GET', 'session', token)).status).toBe(200);
    const { token: newer } = (await open(await mint())).body as { token: string };
    expect((await session('GET', 'session', token)).body).toMatchObject({ code: 'PAIRING_SESSION_ENDED' });
    expect((await session('GET', 'session', newer)).status).toBe(200);
  });

  it('ends a session after 10 minutes', async () => {
    await start(happyGateway());
    const { token } = (await open(await mint())).body as { token: string };
    clock.skewMs = 600_000;
    expect((await session('POST', 'login', token)).body).toMatchObject({ code: 'PAIRING_SESSION_ENDED' });
  });

  it('the page allows its own inline style by hash, its bundled script and data: images, nothing else', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(PAIRING_HTML)?.[1] ?? '';
    const csp = PAIRING_HEADERS['Content-Security-Policy'] ?? '';
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('img-src data:');
    expect(PAIRING_HTML).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(PAIRING_HTML).toContain('Settings &gt; Linked Devices &gt; Link a device');
    expect(pairingRefusalHtml('<b>"x"</b>')).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
  });
});

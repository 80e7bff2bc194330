// The WhatsApp routes over HTTP (createApp + MemoryRuntime): validation, what each gateway answer
// becomes, and the client's disconnect reaching the gateway call. The gateway side is a pool double
// of the manager's own GatewayCaller interface; the protocol-level double and the real gateway are
// in test/integration.
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayAborted, GatewayRequestFailed } from '../../manager/src/gateway/gateway-errors.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

const QR = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
const OFFLINE = 'WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

interface Seen {
  readonly method: string;
  readonly params: unknown;
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A pool whose gateway answers with `answer(method, params, signal)`. */
function pool(answer: (method: string, params: unknown, signal?: AbortSignal) => Promise<unknown>): GatewayCaller & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    call: async <T>(_key: string, _target: unknown, method: string, params?: unknown, opts?: { timeoutMs?: number; signal?: AbortSignal }) => {
      seen.push({ method, params, timeoutMs: opts?.timeoutMs, signal: opts?.signal });
      return (await answer(method, params, opts?.signal)) as T;
    },
    evict: () => undefined,
  };
}

describe('WhatsApp routes', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  const start = async (gateway: GatewayCaller, ready = true): Promise<void> => {
    manager = await startTestManager({ pool: gateway });
    manager.runtime.readyOnCreate = ready;
    await manager.runtime.create({ userId: 'alice', secrets: {} });
  };
  const call = (method: string, path: string, body?: unknown) =>
    manager.http.request(method, path, { key: TEST_API_KEY, ...(body !== undefined ? { body } : {}) });

  it('qr: a QR with its expiry; force reaches the gateway', async () => {
    const gateway = pool(async () => ({ qrDataUrl: QR, message: 'Scan this QR in WhatsApp → Linked Devices.' }));
    await start(gateway);
    const before = Date.now();
    const res = await call('POST', '/api/instances/alice/whatsapp/qr', { force: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ qrDataUrl: QR, message: 'Scan this QR in WhatsApp → Linked Devices.' });
    const expiresAt = Date.parse((res.body as { expiresAt: string }).expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 180_000);
    expect(gateway.seen).toMatchObject([{ method: 'web.login.start', params: { force: true } }]);
  });

  it('qr: an empty body means force false', async () => {
    const gateway = pool(async () => ({ qrDataUrl: QR }));
    await start(gateway);
    expect((await call('POST', '/api/instances/alice/whatsapp/qr')).status).toBe(200);
    expect(gateway.seen[0]?.params).toEqual({});
  });

  it.each([
    { name: 'only a message (offline)', answer: async () => ({ message: OFFLINE }), status: 502, code: 'WHATSAPP_LOGIN_FAILED', error: OFFLINE },
    {
      name: 'already linked',
      answer: async () => ({ message: 'WhatsApp is already linked (+15551234567). Say “relink” if you want a fresh QR.' }),
      status: 409,
      code: 'WHATSAPP_ALREADY_LINKED',
      error: 'WhatsApp is already linked (+15551234567).',
    },
    {
      name: 'no plugin',
      answer: async () => Promise.reject(new GatewayRequestFailed('INVALID_REQUEST', 'web login provider is not available')),
      status: 501,
      code: 'WHATSAPP_PLUGIN_MISSING',
      error: 'The WhatsApp plugin is not installed in this instance (the gateway says: web login provider is not available)',
    },
    {
      name: 'another INVALID_REQUEST',
      answer: async () => Promise.reject(new GatewayRequestFailed('INVALID_REQUEST', 'invalid web.login.start params')),
      status: 400,
      code: 'INVALID_REQUEST',
      error: 'invalid web.login.start params',
    },
  ])('qr: $name -> $status', async ({ answer, status, code, error }) => {
    await start(pool(answer));
    const res = await call('POST', '/api/instances/alice/whatsapp/qr', { force: true });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code });
    expect((res.body as { error: string }).error).toContain(error);
  });

  it.each([
    { path: 'qr', body: { force: 'yes' }, error: 'force: must be of type boolean' },
    { path: 'qr', body: { force: true, channel: 'whatsapp' }, error: 'channel: is not a known field' },
    { path: 'wait', body: { timeoutMs: 999 }, error: 'timeoutMs: must be >= 1000' },
    { path: 'wait', body: { timeoutMs: 300_001 }, error: 'timeoutMs: must be <= 300000' },
    { path: 'wait', body: { timeoutMs: 1500.5 }, error: 'timeoutMs: must be of type integer' },
    { path: 'wait', body: { currentQrDataUrl: 'https://example.com/qr.png' }, error: 'currentQrDataUrl: must match ^(data:image/png;base64,|$)' },
  ])('$path $body -> 400 before the gateway is called', async ({ path, body, error }) => {
    const gateway = pool(async () => ({}));
    await start(gateway);
    const res = await call('POST', `/api/instances/alice/whatsapp/${path}`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error, code: 'INVALID_REQUEST' });
    expect(gateway.seen).toEqual([]);
  });

  it.each([
    { answer: { connected: true, message: '✅ Linked! WhatsApp is ready.' }, body: { connected: true, message: '✅ Linked! WhatsApp is ready.' } },
    {
      answer: { connected: false, message: 'QR refreshed. Scan the latest code in WhatsApp → Linked Devices.', qrDataUrl: QR },
      body: { connected: false, reason: 'qr-rotated', qrDataUrl: QR, message: 'QR refreshed. Scan the latest code in WhatsApp → Linked Devices.' },
    },
    {
      answer: { connected: false, message: 'The login QR expired. Ask me to generate a new one.' },
      body: { connected: false, reason: 'expired', message: 'The login QR expired. Ask me to generate a new one.' },
    },
    {
      answer: { connected: false, message: 'Still waiting for the QR scan. Let me know when you’ve scanned it.' },
      body: { connected: false, reason: 'timeout', message: 'Still waiting for the QR scan. Let me know when you’ve scanned it.' },
    },
  ])('wait: $answer.message', async ({ answer, body }) => {
    const gateway = pool(async () => answer);
    await start(gateway);
    const res = await call('POST', '/api/instances/alice/whatsapp/wait', { timeoutMs: 5_000, currentQrDataUrl: QR });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(body);
    expect(gateway.seen).toMatchObject([{ method: 'web.login.wait', params: { timeoutMs: 5_000, currentQrDataUrl: QR }, timeoutMs: 20_000 }]);
  });

  it('wait: default 120 s; the gateway call gets 15 s more to answer', async () => {
    const gateway = pool(async () => ({ connected: true, message: 'ok' }));
    await start(gateway);
    await call('POST', '/api/instances/alice/whatsapp/wait', {});
    expect(gateway.seen).toMatchObject([{ params: { timeoutMs: 120_000 }, timeoutMs: 135_000 }]);
  });

  it('wait: an empty currentQrDataUrl (no QR on screen) is the same as none', async () => {
    const gateway = pool(async () => ({ connected: true, message: 'ok' }));
    await start(gateway);
    expect((await call('POST', '/api/instances/alice/whatsapp/wait', { timeoutMs: 5_000, currentQrDataUrl: '' })).status).toBe(200);
    expect(gateway.seen[0]?.params).toEqual({ timeoutMs: 5_000 });
  });

  it('wait: a client that disconnects cancels the gateway call', async () => {
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    let cancelled!: () => void;
    const cancelledAt = new Promise<void>((resolve) => (cancelled = resolve));
    const gateway = pool(
      (_method, _params, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            cancelled();
            reject(new GatewayAborted('ABORTED', 'web.login.wait was aborted'));
          });
          entered();
        }),
    );
    await start(gateway);
    const client = new AbortController();
    const request = fetch(`${manager.http.url}/api/instances/alice/whatsapp/wait`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ timeoutMs: 120_000 }),
      signal: client.signal,
    });
    await waiting;
    expect(gateway.seen[0]?.signal?.aborted).toBe(false);
    client.abort();
    await expect(request).rejects.toThrow();
    await cancelledAt;
    expect(gateway.seen[0]?.signal?.aborted).toBe(true);
  });

  it('status and logout', async () => {
    const gateway = pool(async (method) =>
      method === 'channels.status'
        ? {
            ts: 1,
            channelOrder: ['whatsapp'],
            channelLabels: { whatsapp: 'WhatsApp' },
            channels: { whatsapp: { linked: true, connected: true, running: true, statusState: 'linked', self: { e164: '+15551234567', jid: 'x@s.whatsapp.net' }, lastError: null, healthState: 'connected' } },
            channelAccounts: { whatsapp: [{ accountId: 'default', linked: true }] },
            channelDefaultAccountId: { whatsapp: 'default' },
          }
        : { channel: 'whatsapp', accountId: 'default', cleared: true, loggedOut: true },
    );
    await start(gateway);
    const status = await call('GET', '/api/instances/alice/whatsapp/status');
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      linked: true, connected: true, running: true, self: { e164: '+15551234567', jid: 'x@s.whatsapp.net' },
      lastError: null, state: 'linked', health: 'connected', issues: [],
    });
    const logout = await call('POST', '/api/instances/alice/whatsapp/logout');
    expect(logout.body).toEqual({ loggedOut: true, message: 'WhatsApp logged out; the stored session was removed.' });
    expect(gateway.seen.map((s) => [s.method, s.params])).toEqual([
      ['channels.status', { channel: 'whatsapp' }],
      ['channels.logout', { channel: 'whatsapp' }],
    ]);
  });

  it.each([
    { name: 'unknown instance', user: 'bob', ready: true, status: 404 },
    { name: 'instance not ready', user: 'alice', ready: false, status: 503 },
    { name: 'invalid user id', user: 'Bob', ready: true, status: 400 },
  ])('$name -> $status without calling the gateway', async ({ user, ready, status }) => {
    const gateway = pool(async () => ({ qrDataUrl: QR }));
    await start(gateway, ready);
    expect((await call('POST', `/api/instances/${user}/whatsapp/qr`, {})).status).toBe(status);
    expect((await call('GET', `/api/instances/${user}/whatsapp/status`)).status).toBe(status);
    expect(gateway.seen).toEqual([]);
  });

  it('needs the API key', async () => {
    await start(pool(async () => ({})));
    expect((await manager.http.request('POST', '/api/instances/alice/whatsapp/qr', { body: {} })).status).toBe(401);
  });
});

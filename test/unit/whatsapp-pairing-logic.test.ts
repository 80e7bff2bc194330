// What the gateway's WhatsApp answers mean. Payloads are the ones @openclaw/whatsapp 2026.9.6 sends
// (login-qr.ts, buildChannelSummary), the offline and no-plugin ones as observed on the real gateway.
import { describe, expect, it } from 'vitest';
import {
  isWhatsAppPluginMissing,
  toWhatsAppError,
  WhatsAppAlreadyLinked,
  WhatsAppLoginFailed,
  WhatsAppPluginMissing,
} from '../../manager/src/whatsapp/whatsapp-errors.js';
import {
  buildLoginStartParams,
  buildLoginWaitParams,
  interpretLoginStart,
  interpretLoginWait,
} from '../../manager/src/whatsapp/whatsapp-login.js';
import { WhatsAppPairing } from '../../manager/src/whatsapp/whatsapp-pairing.js';
import { whatsappPluginState } from '../../manager/src/whatsapp/whatsapp-plugin-state.js';
import { describeWhatsAppStatus, parseLogoutResult, parseWhatsAppStatus } from '../../manager/src/whatsapp/whatsapp-status.js';

const QR = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
const QR2 = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA==';
const OFFLINE = 'WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';
const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('web.login.start answers', () => {
  it.each([
    { payload: { qrDataUrl: QR, message: 'Scan this QR in WhatsApp → Linked Devices.' }, message: 'Scan this QR in WhatsApp → Linked Devices.' },
    { payload: { qrDataUrl: QR, message: 'QR already active. Scan it in WhatsApp → Linked Devices.' }, message: 'QR already active. Scan it in WhatsApp → Linked Devices.' },
    { payload: { qrDataUrl: QR }, message: 'Scan this QR in WhatsApp → Linked Devices.' },
  ])('a QR: $payload.message', ({ payload, message }) => {
    expect(interpretLoginStart(payload, NOW)).toEqual({ qrDataUrl: QR, message, expiresAt: '2026-11-26T12:03:00.000Z' });
  });

  it.each([
    { payload: { message: OFFLINE }, type: WhatsAppLoginFailed, status: 502, message: OFFLINE },
    { payload: { message: 'Failed to start WhatsApp login: Error: boom' }, type: WhatsAppLoginFailed, status: 502, message: 'Failed to start WhatsApp login' },
    { payload: { code: 'whatsapp-auth-unstable', message: 'WhatsApp auth state is still stabilizing. Retry login in a moment.' }, type: WhatsAppLoginFailed, status: 502, message: 'stabilizing' },
    { payload: {}, type: WhatsAppLoginFailed, status: 502, message: 'gave no reason' },
    { payload: null, type: WhatsAppLoginFailed, status: 502, message: 'gave no reason' },
    { payload: { qrDataUrl: 'https://example.com/qr.png', message: 'odd' }, type: WhatsAppLoginFailed, status: 502, message: 'odd' },
    {
      payload: { message: 'WhatsApp is already linked (+15551234567). Say “relink” if you want a fresh QR.' },
      type: WhatsAppAlreadyLinked,
      status: 409,
      message: 'already linked (+15551234567)',
    },
    { payload: { connected: true, message: 'WhatsApp recovered the existing linked session (+15551234567).' }, type: WhatsAppAlreadyLinked, status: 409, message: 'recovered' },
  ])('not a QR: $payload -> $status', ({ payload, type, status, message }) => {
    let error: unknown;
    try {
      interpretLoginStart(payload, NOW);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, expose: true });
    expect((error as Error).message).toContain(message);
  });
});

describe('web.login.wait answers', () => {
  it.each([
    { payload: { connected: true, message: '✅ Linked! WhatsApp is ready.' }, outcome: { connected: true, message: '✅ Linked! WhatsApp is ready.' } },
    {
      payload: { connected: false, message: 'QR refreshed. Scan the latest code in WhatsApp → Linked Devices.', qrDataUrl: QR2 },
      outcome: { connected: false, reason: 'qr-rotated', qrDataUrl: QR2, message: 'QR refreshed. Scan the latest code in WhatsApp → Linked Devices.' },
    },
    {
      payload: { connected: false, message: 'Still waiting for the QR scan. Let me know when you’ve scanned it.' },
      outcome: { connected: false, reason: 'timeout', message: 'Still waiting for the QR scan. Let me know when you’ve scanned it.' },
    },
    {
      payload: { connected: false, message: 'The login QR expired. Ask me to generate a new one.' },
      outcome: { connected: false, reason: 'expired', message: 'The login QR expired. Ask me to generate a new one.' },
    },
    {
      payload: { connected: false, message: 'No active WhatsApp login in progress.' },
      outcome: { connected: false, reason: 'not-started', message: 'No active WhatsApp login in progress.' },
    },
    { payload: { connected: false, message: OFFLINE }, outcome: { connected: false, reason: 'failed', message: OFFLINE } },
    {
      payload: { connected: false, message: 'WhatsApp reported the session is logged out. Cleared cached web session; please scan a new QR.' },
      outcome: { connected: false, reason: 'failed', message: 'WhatsApp reported the session is logged out. Cleared cached web session; please scan a new QR.' },
    },
    { payload: { connected: false }, outcome: { connected: false, reason: 'failed', message: 'WhatsApp login ended without a connection.' } },
  ])('$payload.message', ({ payload, outcome }) => {
    expect(interpretLoginWait(payload)).toEqual(outcome);
  });

  it.each([{ message: OFFLINE }, {}, null, 'text'])('a payload without `connected` is a failure: %j', (payload) => {
    expect(() => interpretLoginWait(payload)).toThrow(WhatsAppLoginFailed);
  });
});

describe('params follow the pinned protocol schema (no `channel`)', () => {
  it.each([
    { options: {}, params: {} },
    { options: { force: true }, params: { force: true } },
    { options: { force: false, timeoutMs: 30_000.7 }, params: { timeoutMs: 30_000 } },
  ])('start $options', ({ options, params }) => {
    expect(buildLoginStartParams(options)).toEqual(params);
  });

  it.each([
    { options: {}, params: { timeoutMs: 120_000 } },
    { options: { timeoutMs: 10 }, params: { timeoutMs: 1_000 } },
    { options: { timeoutMs: 10_000_000 }, params: { timeoutMs: 300_000 } },
    { options: { timeoutMs: 5_000, currentQrDataUrl: QR }, params: { timeoutMs: 5_000, currentQrDataUrl: QR } },
  ])('wait $options', ({ options, params }) => {
    expect(buildLoginWaitParams(options)).toEqual(params);
  });
});

// channels.status {channel: "whatsapp"} from gateway 2026.9.6 with the plugin, not linked (trimmed).
const NOT_LINKED = {
  ts: 1795711470464,
  channelOrder: ['whatsapp'],
  channelLabels: { whatsapp: 'WhatsApp' },
  channels: {
    whatsapp: {
      configured: true, statusState: 'not-linked', linked: false, authAgeMs: null,
      self: { e164: null, jid: null, lid: null }, running: false, connected: false, lastError: null, healthState: 'stopped', lifecycle: 'stopped',
    },
  },
  channelAccounts: { whatsapp: [{ accountId: 'default', enabled: true, configured: true, linked: false, running: false, stateReason: 'not linked', lastError: null }] },
  channelDefaultAccountId: { whatsapp: 'default' },
  statusIssues: [{ channel: 'whatsapp', accountId: 'default', kind: 'auth', message: 'Not linked (no WhatsApp Web session).', fix: 'Run: openclaw channels login' }],
};

const LINKED = {
  ...NOT_LINKED,
  channels: {
    whatsapp: {
      configured: true, statusState: 'linked', linked: true, self: { e164: '+15551234567', jid: '15551234567@s.whatsapp.net', lid: null },
      running: true, connected: false, lastError: 'stream errored', healthState: 'reconnecting',
    },
  },
  statusIssues: [],
};

describe('channels.status', () => {
  it.each([
    {
      name: 'not linked',
      payload: NOT_LINKED,
      status: { linked: false, connected: false, running: false, self: null, lastError: null, state: 'not-linked', health: 'stopped', issues: ['Not linked (no WhatsApp Web session).'] },
      line: 'WhatsApp: not linked',
    },
    {
      name: 'linked, reconnecting',
      payload: LINKED,
      status: { linked: true, connected: false, running: true, self: { e164: '+15551234567', jid: '15551234567@s.whatsapp.net' }, lastError: 'stream errored', state: 'linked', health: 'reconnecting', issues: [] },
      line: 'WhatsApp: linked as +15551234567, not connected (last error: stream errored)',
    },
    {
      name: 'only the account snapshot',
      payload: { channels: {}, channelAccounts: { whatsapp: [{ accountId: 'default', linked: true, running: true, connected: true }] }, channelDefaultAccountId: { whatsapp: 'default' } },
      status: { linked: true, connected: true, running: true, self: null, lastError: null, state: null, health: null, issues: [] },
      line: 'WhatsApp: linked as unknown number, connected',
    },
  ])('$name', ({ payload, status, line }) => {
    const parsed = parseWhatsAppStatus(payload);
    expect(parsed).toEqual(status);
    expect(describeWhatsAppStatus(parsed)).toBe(line);
  });

  it('no whatsapp entry means no plugin', () => {
    expect(() => parseWhatsAppStatus({ channels: {}, channelAccounts: {} })).toThrow(WhatsAppPluginMissing);
  });

  it.each([
    [{ channel: 'whatsapp', accountId: 'default', cleared: true, loggedOut: true }, true],
    [{ channel: 'whatsapp', accountId: 'default', cleared: false, loggedOut: false }, false],
  ])('logout %j', (payload, loggedOut) => {
    expect(parseLogoutResult(payload).loggedOut).toBe(loggedOut);
  });
});

describe('gateway errors that mean "no WhatsApp plugin"', () => {
  it.each([
    [{ code: 'INVALID_REQUEST', message: 'web login provider is not available' }, true],
    [{ code: 'INVALID_REQUEST', message: 'web login provider is not available. Install it with: openclaw plugins install @openclaw/whatsapp' }, true],
    [{ code: 'INVALID_REQUEST', message: 'unknown channel: whatsapp' }, true],
    [{ code: 'INVALID_REQUEST', message: 'invalid channels.logout channel' }, true],
    [{ code: 'INVALID_REQUEST', message: 'unknown method: web.login.start' }, false],
    [{ code: 'UNAVAILABLE', message: 'web login provider is not available' }, false],
    [new Error('web login provider is not available'), false],
  ])('%j -> %s', (err, missing) => {
    expect(isWhatsAppPluginMissing(err)).toBe(missing);
    const mapped = toWhatsAppError(err);
    if (missing) {
      expect(mapped).toBeInstanceOf(WhatsAppPluginMissing);
      expect((mapped as Error).message).toContain('The WhatsApp plugin is not installed in this instance');
      expect(mapped).toMatchObject({ status: 501, code: 'WHATSAPP_PLUGIN_MISSING', expose: true });
    } else {
      expect(mapped).toBe(err);
    }
  });
});

describe('WhatsAppPairing over a gateway call', () => {
  it('gives the wait call the wait time plus a grace, and passes the abort signal', async () => {
    const seen: unknown[] = [];
    const controller = new AbortController();
    const pairing = new WhatsAppPairing(async (method, params, options) => {
      seen.push({ method, params, timeoutMs: options.timeoutMs, signal: options.signal === controller.signal });
      return { connected: true, message: 'ok' };
    });
    await pairing.wait({ timeoutMs: 5_000, currentQrDataUrl: QR }, controller.signal);
    expect(seen).toEqual([{ method: 'web.login.wait', params: { timeoutMs: 5_000, currentQrDataUrl: QR }, timeoutMs: 20_000, signal: true }]);
  });

  it('turns the no-plugin answer into WhatsAppPluginMissing and passes other failures on', async () => {
    const other = Object.assign(new Error('boom'), { code: 'UNAVAILABLE' });
    const missing = new WhatsAppPairing(async () => {
      throw Object.assign(new Error('web login provider is not available'), { code: 'INVALID_REQUEST' });
    });
    const failing = new WhatsAppPairing(async () => {
      throw other;
    });
    await expect(missing.start({ force: true })).rejects.toBeInstanceOf(WhatsAppPluginMissing);
    await expect(failing.status()).rejects.toBe(other);
  });
});

describe('a WhatsApp plugin that waits for its first use', () => {
  it.each([
    [{ plugins: { entries: { whatsapp: { enabled: false } } } }, 'deferred'],
    [{ plugins: { entries: { whatsapp: { enabled: true } } } }, 'on'],
    [{ plugins: {} }, 'on'],
    [undefined, 'on'],
    [{ plugins: { deny: ['whatsapp'], entries: { whatsapp: { enabled: false } } } }, 'denied'],
    [{ plugins: { allow: ['browser'], entries: { whatsapp: { enabled: false } } } }, 'denied'],
    [{ plugins: { enabled: false } }, 'denied'],
  ])('%j -> %s', (config, state) => {
    expect(whatsappPluginState(config)).toBe(state);
  });

  const NO_PLUGIN = (): Error => Object.assign(new Error('web login provider is not available'), { code: 'INVALID_REQUEST' });
  const UNKNOWN_CHANNEL = (): Error => Object.assign(new Error('unknown channel: whatsapp'), { code: 'INVALID_REQUEST' });

  /** A gateway whose WhatsApp plugin is off per `config` until a config.patch turns it on. */
  function gateway(config: Record<string, unknown>, patch: (params: Record<string, unknown>) => void = () => undefined) {
    const calls: { method: string; params: Record<string, unknown>; timeoutMs: number }[] = [];
    let on = false;
    const pairing = new WhatsAppPairing(async (method, params, options) => {
      calls.push({ method, params, timeoutMs: options.timeoutMs });
      if (method === 'config.get') return { config, hash: 'h1' };
      if (method === 'config.patch') {
        patch(params);
        on = true;
        return { ok: true };
      }
      if (!on) throw method === 'web.login.start' || method === 'web.login.wait' ? NO_PLUGIN() : UNKNOWN_CHANNEL();
      return { qrDataUrl: QR, message: 'Scan this QR in WhatsApp → Linked Devices.' };
    });
    return { pairing, calls };
  }

  it('the first login turns it on with config.patch on the config read, then shows the QR', async () => {
    const { pairing, calls } = gateway({ plugins: { entries: { whatsapp: { enabled: false } } } });
    await expect(pairing.start({ force: true })).resolves.toMatchObject({ qrDataUrl: QR });
    expect(calls.map((c) => c.method)).toEqual(['web.login.start', 'config.get', 'config.patch', 'web.login.start']);
    expect(calls[2]).toEqual({ method: 'config.patch', params: { raw: '{"plugins":{"entries":{"whatsapp":{"enabled":true}}}}', baseHash: 'h1' }, timeoutMs: 120_000 });
  });

  it('status, wait and logout answer as for a never-linked instance, without loading it', async () => {
    const { pairing, calls } = gateway({ plugins: { entries: { whatsapp: { enabled: false } } } });
    await expect(pairing.status()).resolves.toMatchObject({ linked: false, connected: false, state: 'not-linked', issues: ['Not linked: WhatsApp loads on the first pairing.'] });
    await expect(pairing.wait({ timeoutMs: 1_000 })).resolves.toEqual({ connected: false, reason: 'not-started', message: 'No active WhatsApp login in progress.' });
    await expect(pairing.logout()).resolves.toEqual({ loggedOut: false, message: 'WhatsApp was not linked; nothing to log out.' });
    expect(calls.map((c) => c.method)).not.toContain('config.patch');
  });

  it.each([
    ['switched off by the operator', { plugins: { deny: ['whatsapp'], entries: { whatsapp: { enabled: false } } } }],
    ['on in the config but not there', { plugins: { entries: { whatsapp: { enabled: true } } } }],
  ])('%s: every call is 501 and nothing is patched', async (_name, config) => {
    const { pairing, calls } = gateway(config);
    await expect(pairing.start()).rejects.toBeInstanceOf(WhatsAppPluginMissing);
    await expect(pairing.status()).rejects.toBeInstanceOf(WhatsAppPluginMissing);
    await expect(pairing.logout()).rejects.toBeInstanceOf(WhatsAppPluginMissing);
    expect(calls.map((c) => c.method)).not.toContain('config.patch');
  });

  it('a login beside this one that turned it on first is fine; a patch that failed otherwise is reported', async () => {
    let on = false;
    const raced = new WhatsAppPairing(async (method) => {
      if (method === 'config.get') return { config: { plugins: { entries: { whatsapp: { enabled: on } } } }, hash: 'h' };
      if (method === 'config.patch') {
        on = true; // the other login's patch landed first: ours carries a stale baseHash
        throw Object.assign(new Error('config changed since last load; re-run config.get and retry'), { code: 'INVALID_REQUEST' });
      }
      if (!on) throw NO_PLUGIN();
      return { qrDataUrl: QR, message: 'Scan this QR in WhatsApp → Linked Devices.' };
    });
    await expect(raced.start()).resolves.toMatchObject({ qrDataUrl: QR });

    const down = Object.assign(new Error('gateway restarting'), { code: 'UNAVAILABLE' });
    const failing = new WhatsAppPairing(async (method) => {
      if (method === 'config.get') return { config: { plugins: { entries: { whatsapp: { enabled: false } } } }, hash: 'h' };
      if (method === 'config.patch') throw down;
      throw NO_PLUGIN();
    });
    await expect(failing.start()).rejects.toBe(down);
  });
});

// The pairing page's server side without HTTP: one session's states over the WhatsApp pairing
// use-case (a scripted GatewayCall behind the real WhatsAppPairing), the session store, and the
// links' tickets.
import { describe, expect, it } from 'vitest';
import { PairingAttemptsUsed, PairingCallSuperseded, PairingSessionEnded, PairingTicketExpired, PairingTicketInvalid, PairingTicketUsed } from '../../manager/src/pairing/pairing-errors.js';
import { PAIRING_WAIT_MS, PairingSession } from '../../manager/src/pairing/pairing-session.js';
import { PairingSessions } from '../../manager/src/pairing/pairing-sessions.js';
import { PairingTickets } from '../../manager/src/pairing/pairing-tickets.js';
import { InstanceNotReady } from '../../manager/src/runtime/runtime-errors.js';
import { VncTickets, deriveTicketKey } from '../../manager/src/vnc/vnc-tickets.js';
import { WhatsAppPairing, type GatewayCallOptions } from '../../manager/src/whatsapp/whatsapp-pairing.js';

const QR1 = 'data:image/png;base64,UVIx';
const QR2 = 'data:image/png;base64,UVIy';
const OFFLINE = 'WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';
const API_KEY = 'unit-test-api-key-0123456789';

interface Call {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly options: GatewayCallOptions;
}

/** A WhatsAppPairing whose gateway answers each method from `answers` (a function may wait or fail). */
function gateway(answers: Record<string, (params: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>>): { pairing: WhatsAppPairing; calls: Call[] } {
  const calls: Call[] = [];
  const pairing = new WhatsAppPairing(async (method, params, options) => {
    calls.push({ method, params, options });
    const answer = answers[method];
    if (!answer) throw new Error(`unexpected ${method}`);
    return answer(params, options.signal);
  });
  return { pairing, calls };
}

/** An answer that never comes; it fails with the abort's reason once `signal` fires. */
const never = (_params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> =>
  new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));

function setup(attempts = 3) {
  const clock = { now: 1_000_000 };
  const session = new PairingSession({ expiresAt: clock.now + 600_000, attempts, now: () => clock.now });
  return { clock, session, signal: new AbortController().signal };
}

describe('PairingSession', () => {
  it('starts ready, shows a QR from a login (never forced), redraws it on rotation and says linked', async () => {
    const { session, signal } = setup();
    expect(session.view()).toEqual({ state: 'ready', message: 'No QR code shown yet.', attemptsLeft: 3, expiresInMs: 600_000 });
    let waits = 0;
    const { pairing, calls } = gateway({
      'web.login.start': async () => ({ qrDataUrl: QR1, message: 'Scan this QR in WhatsApp → Linked Devices.' }),
      'web.login.wait': async () => (++waits === 1 ? { connected: false, qrDataUrl: QR2, message: 'QR refreshed.' } : { connected: true, message: '✅ Linked! WhatsApp is ready.' }),
    });
    expect(await session.login(pairing, signal)).toEqual({
      state: 'qr', message: 'Scan this QR in WhatsApp → Linked Devices.', qrDataUrl: QR1, qrExpiresInMs: 180_000, attemptsLeft: 2, expiresInMs: 600_000,
    });
    expect(await session.wait(pairing, signal)).toMatchObject({ state: 'qr', qrDataUrl: QR2, qrExpiresInMs: 180_000, attemptsLeft: 2 });
    expect(await session.wait(pairing, signal)).toEqual({ state: 'linked', message: '✅ Linked! WhatsApp is ready.', attemptsLeft: 2, expiresInMs: 600_000 });
    expect(calls.map((c) => [c.method, c.params])).toEqual([
      ['web.login.start', {}],
      ['web.login.wait', { timeoutMs: PAIRING_WAIT_MS, currentQrDataUrl: QR1 }],
      ['web.login.wait', { timeoutMs: PAIRING_WAIT_MS, currentQrDataUrl: QR2 }],
    ]);
    // Linked is final: neither a login nor a wait reaches the gateway again.
    await session.login(pairing, signal);
    await session.wait(pairing, signal);
    expect(calls).toHaveLength(3);
  });

  it.each([
    { name: 'timeout keeps the QR up', answer: { connected: false, message: 'Still waiting for the QR scan.' }, view: { state: 'qr', qrDataUrl: QR1 } },
    { name: 'expired', answer: { connected: false, message: 'The login QR expired.' }, view: { state: 'expired', message: 'The login QR expired.' } },
    { name: 'not-started counts as expired', answer: { connected: false, message: 'No active WhatsApp login in progress.' }, view: { state: 'expired' } },
    { name: 'failed', answer: { connected: false, message: 'WhatsApp refused the link.' }, view: { state: 'failed', message: 'WhatsApp refused the link.' } },
  ])('wait: $name', async ({ answer, view }) => {
    const { session, signal } = setup();
    const { pairing } = gateway({ 'web.login.start': async () => ({ qrDataUrl: QR1 }), 'web.login.wait': async () => answer });
    await session.login(pairing, signal);
    const seen = await session.wait(pairing, signal);
    expect(seen).toMatchObject({ ...view, attemptsLeft: 2 });
    if (seen.state !== 'qr') expect(seen).not.toHaveProperty('qrDataUrl');
  });

  it.each([
    { name: 'WhatsApp unreachable: failed, the attempt counts', answer: { message: OFFLINE }, view: { state: 'failed', message: OFFLINE, attemptsLeft: 2 } },
    {
      name: 'linked before: already-linked, nothing counted',
      answer: { message: 'WhatsApp is already linked (+15551234567).' },
      view: { state: 'already-linked', message: 'WhatsApp is already linked (+15551234567).', attemptsLeft: 3 },
    },
  ])('login: $name', async ({ answer, view }) => {
    const { session, signal } = setup();
    const { pairing } = gateway({ 'web.login.start': async () => answer });
    expect(await session.login(pairing, signal)).toEqual({ ...view, expiresInMs: 600_000 });
  });

  it('allows its attempts, then refuses another login without calling the gateway', async () => {
    const { session, signal } = setup(2);
    const { pairing, calls } = gateway({ 'web.login.start': async () => ({ message: OFFLINE }) });
    await session.login(pairing, signal);
    expect(await session.login(pairing, signal)).toMatchObject({ state: 'failed', attemptsLeft: 0 });
    await expect(session.login(pairing, signal)).rejects.toThrow(PairingAttemptsUsed);
    expect(calls).toHaveLength(2);
  });

  it('an instance that cannot answer is an error of its own, and costs no attempt', async () => {
    const { session, signal } = setup();
    const { pairing } = gateway({ 'web.login.start': async () => Promise.reject(new InstanceNotReady('alice', 'Starting')) });
    await expect(session.login(pairing, signal)).rejects.toThrow(InstanceNotReady);
    expect(session.view()).toMatchObject({ state: 'ready', attemptsLeft: 3 });
  });

  it('a QR past its login\'s end is expired without asking the gateway; a wait near the end is shortened', async () => {
    const { clock, session, signal } = setup();
    const { pairing, calls } = gateway({ 'web.login.start': async () => ({ qrDataUrl: QR1 }), 'web.login.wait': async () => ({ connected: false, message: 'Still waiting.' }) });
    await session.login(pairing, signal);
    clock.now += 170_000;
    await session.wait(pairing, signal);
    expect(calls[1]?.params).toEqual({ timeoutMs: 10_000, currentQrDataUrl: QR1 });
    clock.now += 10_000;
    expect(session.view()).toMatchObject({ state: 'expired', message: 'The QR code expired before it was scanned.' });
    expect(await session.wait(pairing, signal)).toMatchObject({ state: 'expired' });
    expect(calls).toHaveLength(2);
  });

  it('the newest call wins: an older wait is answered PairingCallSuperseded, and its late answer changes nothing', async () => {
    const { session, signal } = setup();
    let release!: (answer: unknown) => void;
    let waits = 0;
    const { pairing } = gateway({
      'web.login.start': async () => ({ qrDataUrl: QR1 }),
      // The first wait's answer (a rotated QR) arrives only after the second wait took over.
      'web.login.wait': (_params, waitSignal) =>
        ++waits === 1 ? new Promise((resolve) => (release = resolve)) : never(_params, waitSignal),
    });
    await session.login(pairing, signal);
    const first = session.wait(pairing, signal);
    await new Promise((r) => setTimeout(r, 10));
    const client = new AbortController();
    const second = session.wait(pairing, client.signal);
    release({ connected: false, qrDataUrl: QR2, message: 'QR refreshed.' });
    await expect(first).rejects.toThrow(PairingCallSuperseded);
    expect(session.view()).toMatchObject({ state: 'qr', qrDataUrl: QR1 });
    // The second's client leaves: its wait ends with the reason its client gave.
    client.abort(new Error('client gone'));
    await expect(second).rejects.toThrow('client gone');
  });

  it('end() aborts the call under way with PairingSessionEnded', async () => {
    const { session, signal } = setup();
    const { pairing } = gateway({ 'web.login.start': async () => ({ qrDataUrl: QR1 }), 'web.login.wait': never });
    await session.login(pairing, signal);
    const waiting = session.wait(pairing, signal);
    await new Promise((r) => setTimeout(r, 10));
    session.end();
    await expect(waiting).rejects.toThrow(PairingSessionEnded);
  });
});

describe('PairingSessions', () => {
  const store = () => {
    const clock = { now: 1_000_000 };
    return { clock, sessions: new PairingSessions({ lifetimeMs: 600_000, attempts: 3, now: () => clock.now }) };
  };

  it('names a session by a random token, kept only for its user', () => {
    const { sessions } = store();
    const { token, session } = sessions.open('alice');
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(sessions.find(token, 'alice')).toBe(session);
    for (const [presented, user] of [[token, 'bob'], [`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'alice'], ['', 'alice'], [undefined, 'alice'], [`${token}x`, 'alice']] as const) {
      expect(() => sessions.find(presented, user)).toThrow(PairingSessionEnded);
    }
  });

  it('a newer session of the same user ends the older one, and its call under way', async () => {
    const { sessions } = store();
    const older = sessions.open('alice');
    const { pairing } = gateway({ 'web.login.start': async () => ({ qrDataUrl: QR1 }), 'web.login.wait': never });
    await older.session.login(pairing, new AbortController().signal);
    const waiting = older.session.wait(pairing, new AbortController().signal);
    await new Promise((r) => setTimeout(r, 10));
    const newer = sessions.open('alice');
    await expect(waiting).rejects.toThrow(PairingSessionEnded);
    expect(() => sessions.find(older.token, 'alice')).toThrow(PairingSessionEnded);
    expect(sessions.find(newer.token, 'alice')).toBe(newer.session);
    expect(sessions.size).toBe(1);
  });

  it('ends a session at its lifetime and forgets it', () => {
    const { clock, sessions } = store();
    const { token } = sessions.open('alice');
    sessions.open('bob');
    clock.now += 599_999;
    expect(sessions.find(token, 'alice').view().expiresInMs).toBe(1);
    clock.now += 1;
    expect(() => sessions.find(token, 'alice')).toThrow(PairingSessionEnded);
    expect(sessions.size).toBe(0);
  });
});

describe('PairingTickets', () => {
  const setupTickets = () => {
    const clock = { now: 1_000_000 };
    return { clock, tickets: new PairingTickets({ apiKey: API_KEY, now: () => clock.now }) };
  };

  it('a link is good for 5 minutes; opening the page checks it, the session uses it up', () => {
    const { clock, tickets } = setupTickets();
    const { ticket, expiresAt } = tickets.issue('alice');
    expect(expiresAt.getTime()).toBe(clock.now + 300_000);
    tickets.verify(ticket, 'alice');
    tickets.redeem(ticket, 'alice');
    expect(() => tickets.verify(ticket, 'alice')).toThrow(PairingTicketUsed);
    expect(() => tickets.redeem(ticket, 'alice')).toThrow(PairingTicketUsed);
    const later = tickets.issue('alice').ticket;
    clock.now += 300_000;
    expect(() => tickets.verify(later, 'alice')).toThrow(PairingTicketExpired);
  });

  it('a VNC ticket is no pairing ticket, nor the other way round, even for the same user and key', () => {
    const { clock, tickets } = setupTickets();
    const vnc = new VncTickets({ key: deriveTicketKey(API_KEY), now: () => clock.now });
    expect(() => tickets.verify(vnc.issue('alice').ticket, 'alice')).toThrow(PairingTicketInvalid);
    expect(() => vnc.verify(tickets.issue('alice').ticket, 'alice')).toThrow('Invalid VNC ticket');
    expect(() => tickets.verify(tickets.issue('alice').ticket, 'bob')).toThrow(PairingTicketInvalid);
    expect(() => new PairingTickets({ apiKey: 'another-api-key-0123456789', now: () => clock.now }).verify(tickets.issue('alice').ticket, 'alice')).toThrow(PairingTicketInvalid);
  });
});

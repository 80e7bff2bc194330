// A WhatsApp-capable gateway double for the QR happy path only: no WhatsApp server is reachable here,
// so the real gateway can only fail. It speaks protocol 4 (connect.challenge, hello-ok, res/event
// frames) and checks EVERY frame it sends and receives against protocol.schema.json of the pinned
// @openclaw/gateway-protocol: the frame union, ConnectParams, HelloOk, <Method>Params and
// <Method>Result where the schema has them. Anything off is recorded in `violations` (tests assert
// it stays empty) and answered INVALID_REQUEST like the real gateway.
// Script: web.login.start issues QR 1; each web.login.wait shown the current QR triggers the next
// step after `stepDelayMs`: QR 1 rotates to QR 2, then QR 2 links (upstream login-qr.ts semantics).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { WebSocketServer, type WebSocket } from 'ws';
import { ProtocolValidator, pascalMethod } from './protocol-schema.js';

export interface WhatsAppGatewayDoubleOptions {
  readonly token?: string;
  /** Contents of the QRs handed out, in order (default two WhatsApp-like pairing strings). */
  readonly qrContents?: readonly string[];
  /** Delay before each scripted step (rotation, link); default 300 ms. */
  readonly stepDelayMs?: number;
  /** Number reported as linked. */
  readonly selfE164?: string;
}

export interface RecordedFrame {
  readonly direction: 'in' | 'out';
  readonly frame: Record<string, unknown>;
}

export interface WhatsAppGatewayDouble {
  readonly url: string;
  readonly token: string;
  readonly qrContents: readonly string[];
  readonly qrDataUrls: readonly string[];
  readonly frames: readonly RecordedFrame[];
  readonly violations: readonly string[];
  /** Methods called, in order (connect included). */
  readonly calls: readonly string[];
  readonly linked: boolean;
  close(): Promise<void>;
}

const SERVER_VERSION = '2026.9.6';
const METHODS = ['health', 'channels.status', 'channels.logout', 'web.login.start', 'web.login.wait'];
const TICK_INTERVAL_MS = 30_000;

function whatsappLikeContent(n: number): string {
  const part = (len: number): string => Buffer.from(randomUUID() + randomUUID()).toString('base64').slice(0, len);
  return `2@${part(60)}${n},${part(44)}=,${part(44)}=,${part(24)}=`;
}

export async function startWhatsAppGatewayDouble(options: WhatsAppGatewayDoubleOptions = {}): Promise<WhatsAppGatewayDouble> {
  const protocol = new ProtocolValidator();
  const token = options.token ?? `double-${randomUUID()}`;
  const stepDelayMs = options.stepDelayMs ?? 300;
  const selfE164 = options.selfE164 ?? '+15550100123';
  const qrContents = options.qrContents ?? [whatsappLikeContent(1), whatsappLikeContent(2)];
  // Rendered the way the gateway renders them (renderQrPngDataUrl: qrcode, scale 6, margin 4).
  const qrDataUrls = await Promise.all(qrContents.map((text) => QRCode.toDataURL(text, { scale: 6, margin: 4 })));

  const timers = new Set<ReturnType<typeof setTimeout>>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const frames: RecordedFrame[] = [];
  const violations: string[] = [];
  const calls: string[] = [];
  const login = { active: false, qrIndex: 0, connected: false, linked: false };

  const record = (direction: 'in' | 'out', frame: Record<string, unknown>, problems: string[]): void => {
    frames.push({ direction, frame });
    for (const problem of problems) violations.push(`${direction} ${String(frame.type)} ${String(frame.method ?? frame.event ?? frame.id)}: ${problem}`);
  };

  const send = (ws: WebSocket, frame: Record<string, unknown>): void => {
    const problems = protocol.check(frame);
    if (frame.type === 'event' && frame.event === 'tick') problems.push(...protocol.check(frame.payload, 'TickEvent'));
    record('out', frame, problems);
    ws.send(JSON.stringify(frame));
  };

  const respond = (ws: WebSocket, id: string, method: string, payload: unknown): void => {
    const resultSchema = `${pascalMethod(method)}Result`;
    const problems = method === 'connect' ? protocol.check(payload, 'HelloOk') : protocol.has(resultSchema) ? protocol.check(payload, resultSchema) : [];
    for (const problem of problems) violations.push(`out res ${method}: ${problem}`);
    send(ws, { type: 'res', id, ok: true, payload });
  };

  const refuse = (ws: WebSocket, id: string, code: string, message: string): void => send(ws, { type: 'res', id, ok: false, error: { code, message } });

  const hello = (): Record<string, unknown> => ({
    type: 'hello-ok',
    protocol: 4,
    server: { version: SERVER_VERSION, connId: randomUUID() },
    features: { methods: METHODS, events: ['tick', 'health'] },
    snapshot: { presence: [], health: { ok: true, ts: Date.now() }, stateVersion: { presence: 0, health: 0 }, uptimeMs: 1000 },
    auth: { role: 'operator', scopes: ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing', 'operator.approvals'] },
    policy: { maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 50 * 1024 * 1024, tickIntervalMs: TICK_INTERVAL_MS },
  });

  const channelsStatus = (): Record<string, unknown> => {
    const linked = login.linked;
    return {
      ts: Date.now(),
      channelOrder: ['whatsapp'],
      channelLabels: { whatsapp: 'WhatsApp' },
      channelDetailLabels: { whatsapp: 'WhatsApp Web' },
      channelMeta: [{ id: 'whatsapp', label: 'WhatsApp', detailLabel: 'WhatsApp Web', systemImage: 'message' }],
      channels: {
        whatsapp: {
          configured: true,
          statusState: linked ? 'linked' : 'not-linked',
          linked,
          self: linked ? { e164: selfE164, jid: `${selfE164.slice(1)}@s.whatsapp.net`, lid: null } : { e164: null, jid: null, lid: null },
          running: linked,
          connected: linked,
          lastError: null,
          healthState: linked ? 'connected' : 'stopped',
        },
      },
      channelAccounts: { whatsapp: [{ accountId: 'default', enabled: true, configured: true, linked, running: linked, connected: linked, lastError: null }] },
      channelDefaultAccountId: { whatsapp: 'default' },
      // No statusIssues: gateway 2026.9.6 sends them, but the pinned schema (2026.9.1) closes the
      // result without that key, and the double follows the schema.
    };
  };

  const waitAnswer = async (params: Record<string, unknown>): Promise<Record<string, unknown>> => {
    if (!login.active) return { connected: false, message: 'No active WhatsApp login in progress.' };
    const current = qrDataUrls[login.qrIndex];
    if (!login.connected && params.currentQrDataUrl === current) {
      // The phone acts: the next QR if there is one, else the scan.
      await sleep(stepDelayMs);
      if (login.qrIndex + 1 < qrDataUrls.length) login.qrIndex += 1;
      else login.connected = true;
    }
    if (login.connected) {
      login.active = false;
      login.linked = true;
      return { connected: true, message: '✅ Linked! WhatsApp is ready.' };
    }
    return { connected: false, message: 'QR refreshed. Scan the latest code in WhatsApp → Linked Devices.', qrDataUrl: qrDataUrls[login.qrIndex] };
  };

  const handle = async (ws: WebSocket, frame: Record<string, unknown>, authed: { ok: boolean }): Promise<void> => {
    const id = String(frame.id);
    const method = String(frame.method);
    calls.push(method);
    if (!authed.ok) {
      if (method !== 'connect') return refuse(ws, id, 'INVALID_REQUEST', 'first request must be connect');
      const problems = protocol.check(frame.params, 'ConnectParams');
      for (const problem of problems) violations.push(`in req connect: ${problem}`);
      const auth = (frame.params as { auth?: { token?: unknown } } | undefined)?.auth;
      if (problems.length > 0) return refuse(ws, id, 'INVALID_REQUEST', 'invalid connect params');
      if (auth?.token !== token) {
        send(ws, { type: 'res', id, ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } } });
        return void ws.close(1008, 'unauthorized');
      }
      authed.ok = true;
      return respond(ws, id, 'connect', hello());
    }
    if (!protocol.isKnownMethod(method) || !METHODS.includes(method)) return refuse(ws, id, 'INVALID_REQUEST', `unknown method: ${method}`);
    const paramsSchema = `${pascalMethod(method)}Params`;
    const params = (frame.params ?? {}) as Record<string, unknown>;
    if (protocol.has(paramsSchema)) {
      const problems = protocol.check(params, paramsSchema);
      for (const problem of problems) violations.push(`in req ${method}: ${problem}`);
      if (problems.length > 0) return refuse(ws, id, 'INVALID_REQUEST', `invalid ${method} params: ${problems.join('; ')}`);
    } else if (method !== 'health') {
      violations.push(`in req ${method}: protocol.schema.json has no ${paramsSchema}`);
    }
    switch (method) {
      case 'health':
        return respond(ws, id, method, { ok: true, ts: Date.now() });
      case 'web.login.start':
        login.active = true;
        login.connected = false;
        login.qrIndex = 0;
        return respond(ws, id, method, { qrDataUrl: qrDataUrls[0], message: 'Scan this QR in WhatsApp → Linked Devices.' });
      case 'web.login.wait':
        return respond(ws, id, method, await waitAnswer(params));
      case 'channels.status':
        return respond(ws, id, method, channelsStatus());
      case 'channels.logout': {
        const was = login.linked;
        login.linked = false;
        return respond(ws, id, method, { channel: 'whatsapp', accountId: 'default', cleared: was, loggedOut: was });
      }
    }
  };

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (ws) => {
    const authed = { ok: false };
    const tick = setInterval(() => send(ws, { type: 'event', event: 'tick', payload: { ts: Date.now() } }), TICK_INTERVAL_MS);
    ws.on('close', () => clearInterval(tick));
    ws.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        violations.push(`in: not JSON: ${String(data).slice(0, 100)}`);
        return;
      }
      const problems = protocol.check(frame);
      if (frame.type !== 'req') problems.push(`a client sends only req frames, got ${String(frame.type)}`);
      record('in', frame, problems);
      if (problems.length > 0) return refuse(ws, String(frame.id ?? 'invalid'), 'INVALID_REQUEST', 'invalid frame');
      handle(ws, frame, authed).catch((err: unknown) => violations.push(`double failed: ${String(err)}`));
    });
    send(ws, { type: 'event', event: 'connect.challenge', payload: { nonce: randomUUID(), ts: Date.now() } });
  });

  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    qrContents,
    qrDataUrls,
    frames,
    violations,
    calls,
    get linked() {
      return login.linked;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // A wait still in its step delay stays unanswered; its connection is gone anyway.
        for (const timer of timers) clearTimeout(timer);
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

// The WhatsApp QR login protocol, pure: the params of `web.login.start` / `web.login.wait` and what
// their answers mean. Upstream reports failures as ok:true payloads carrying only a `message`, so
// success is decided here and nowhere else: `qrDataUrl` (start) or `connected: true` (wait).
// Shapes: @openclaw/whatsapp 2026.9.6 extensions/whatsapp/src/login-qr.ts.
import { WhatsAppAlreadyLinked, WhatsAppLoginFailed } from './whatsapp-errors.js';

/** A login (and every QR it shows) dies this long after `web.login.start` (upstream ACTIVE_LOGIN_TTL_MS). */
export const WHATSAPP_LOGIN_TTL_MS = 180_000;
/** Bounds of one wait; the gateway's own default is 120 s. */
export const MIN_WAIT_TIMEOUT_MS = 1_000;
export const MAX_WAIT_TIMEOUT_MS = 300_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;
export const QR_DATA_URL_PREFIX = 'data:image/png;base64,';

export interface LoginStartOptions {
  /** Drop an existing link and show a fresh QR (default false). */
  readonly force?: boolean;
  /** How long the gateway waits for WhatsApp to hand out the first QR (gateway default 30 s). */
  readonly timeoutMs?: number;
}

export interface LoginWaitOptions {
  /** How long the gateway waits for the scan before answering (default 120 s). */
  readonly timeoutMs?: number;
  /** The QR on screen; only with it does the gateway answer early with a rotated QR. */
  readonly currentQrDataUrl?: string;
}

export interface QrIssued {
  readonly qrDataUrl: string;
  readonly message: string;
  /** ISO 8601: when the login expires at the latest (a reused QR may expire sooner). */
  readonly expiresAt: string;
}

/** Why a wait ended without a link. */
export type WaitEndReason = 'qr-rotated' | 'timeout' | 'expired' | 'not-started' | 'failed';

export type WaitOutcome =
  | { readonly connected: true; readonly message: string }
  | { readonly connected: false; readonly reason: 'qr-rotated'; readonly qrDataUrl: string; readonly message: string }
  | { readonly connected: false; readonly reason: Exclude<WaitEndReason, 'qr-rotated'>; readonly message: string };

// `channel` is left out on purpose: the pinned protocol schema (@openclaw/gateway-protocol 2026.9.1)
// closes WebLoginStartParams/WebLoginWaitParams without it, and without it the gateway picks the
// one QR-capable provider, which is WhatsApp.
/** Params of `web.login.start`. @example buildLoginStartParams({ force: true }) // { force: true } */
export function buildLoginStartParams(options: LoginStartOptions = {}): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (options.force) params.force = true;
  if (options.timeoutMs !== undefined) params.timeoutMs = Math.trunc(options.timeoutMs);
  return params;
}

/** Params of `web.login.wait`; timeoutMs is clamped to 1 s..300 s (default 120 s). */
export function buildLoginWaitParams(options: LoginWaitOptions = {}): Record<string, unknown> {
  const params: Record<string, unknown> = { timeoutMs: clampWaitTimeout(options.timeoutMs) };
  if (options.currentQrDataUrl !== undefined) params.currentQrDataUrl = options.currentQrDataUrl;
  return params;
}

export function clampWaitTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return DEFAULT_WAIT_TIMEOUT_MS;
  return Math.min(MAX_WAIT_TIMEOUT_MS, Math.max(MIN_WAIT_TIMEOUT_MS, Math.trunc(timeoutMs)));
}

function record(payload: unknown): Record<string, unknown> {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function isQrDataUrl(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(QR_DATA_URL_PREFIX) && value.length > QR_DATA_URL_PREFIX.length;
}

/** "WhatsApp is already linked (+1555...)": upstream's words when a listener is up and force is off. */
export function isAlreadyLinkedMessage(message: string): boolean {
  return /\balready linked\b/i.test(message);
}

/**
 * What a `web.login.start` answer means: a QR to show, or a typed error.
 * `connected: true` without a QR (the gateway recovered an existing link) counts as already linked.
 * @throws WhatsAppAlreadyLinked, WhatsAppLoginFailed
 */
export function interpretLoginStart(payload: unknown, now: number = Date.now()): QrIssued {
  const body = record(payload);
  const message = text(body.message);
  if (isQrDataUrl(body.qrDataUrl)) {
    return {
      qrDataUrl: body.qrDataUrl,
      message: message ?? 'Scan this QR in WhatsApp → Linked Devices.',
      expiresAt: new Date(now + WHATSAPP_LOGIN_TTL_MS).toISOString(),
    };
  }
  if (body.connected === true) throw new WhatsAppAlreadyLinked(message ?? 'WhatsApp is already linked.');
  if (message !== undefined && isAlreadyLinkedMessage(message)) throw new WhatsAppAlreadyLinked(message);
  throw new WhatsAppLoginFailed(message ?? 'The gateway started no WhatsApp login and gave no reason.');
}

/** Classifies the message of a `connected: false` wait answer (upstream gives no code). */
export function waitEndReason(message: string): Exclude<WaitEndReason, 'qr-rotated'> {
  if (/\bexpired\b/i.test(message)) return 'expired';
  if (/\bstill waiting\b/i.test(message)) return 'timeout';
  if (/\bno active\b.*\blogin\b/i.test(message)) return 'not-started';
  return 'failed';
}

/**
 * What a `web.login.wait` answer means: linked, a rotated QR, or why the wait ended.
 * A payload without `connected` is not a wait answer at all.
 * @throws WhatsAppLoginFailed
 */
export function interpretLoginWait(payload: unknown): WaitOutcome {
  const body = record(payload);
  const message = text(body.message);
  if (body.connected === true) return { connected: true, message: message ?? 'WhatsApp is linked.' };
  if (body.connected !== false) {
    throw new WhatsAppLoginFailed(message ?? 'The gateway answered the WhatsApp wait without a state.');
  }
  if (isQrDataUrl(body.qrDataUrl)) {
    return { connected: false, reason: 'qr-rotated', qrDataUrl: body.qrDataUrl, message: message ?? 'QR refreshed.' };
  }
  const reason = message === undefined ? 'failed' : waitEndReason(message);
  return { connected: false, reason, message: message ?? 'WhatsApp login ended without a connection.' };
}

// `web.login.start` / `web.login.wait` report failures as ok:true with only a message (e.g. offline:
// "WhatsApp login failed: WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)"). These turn
// such answers into GatewayWebLoginFailed carrying the gateway's message.
import { GatewayWebLoginFailed } from './gateway-errors.js';

export interface WebLoginStarted {
  /** `data:image/png;base64,...` */
  readonly qrDataUrl: string;
  readonly message?: string;
}

export type WebLoginWaitResult =
  | { readonly connected: true; readonly message?: string }
  /** The QR rotated before it was scanned: show the new one and wait again. */
  | { readonly connected: false; readonly qrDataUrl: string; readonly message?: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const messageOf = (payload: unknown): string | undefined =>
  isRecord(payload) && typeof payload.message === 'string' && payload.message !== '' ? payload.message : undefined;
const qrOf = (payload: unknown): string | undefined =>
  isRecord(payload) && typeof payload.qrDataUrl === 'string' && payload.qrDataUrl.startsWith('data:image/') ? payload.qrDataUrl : undefined;

function failed(method: string, payload: unknown, fallback: string): GatewayWebLoginFailed {
  return new GatewayWebLoginFailed('WEB_LOGIN_FAILED', messageOf(payload) ?? fallback, { method, details: payload, retryable: true });
}

/** The QR of a successful `web.login.start`, or GatewayWebLoginFailed with the gateway's message. */
export function parseWebLoginStart(payload: unknown): WebLoginStarted {
  const qrDataUrl = qrOf(payload);
  if (qrDataUrl === undefined) throw failed('web.login.start', payload, 'web.login.start answered without a QR code');
  const message = messageOf(payload);
  return message !== undefined ? { qrDataUrl, message } : { qrDataUrl };
}

/** Same as parseWebLoginStart, for callers that only need the check. */
export function assertWebLoginStarted(payload: unknown): asserts payload is WebLoginStarted {
  parseWebLoginStart(payload);
}

/** Linked (`connected:true`) or a rotated QR; anything else is GatewayWebLoginFailed. */
export function parseWebLoginWait(payload: unknown): WebLoginWaitResult {
  const message = messageOf(payload);
  const extra = message !== undefined ? { message } : {};
  if (isRecord(payload) && payload.connected === true) return { connected: true, ...extra };
  const qrDataUrl = qrOf(payload);
  if (qrDataUrl !== undefined) return { connected: false, qrDataUrl, ...extra };
  throw failed('web.login.wait', payload, 'web.login.wait ended without a link');
}

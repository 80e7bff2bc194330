// Typed, validated bodies of the WhatsApp routes (schemas/api/whatsapp-*.json).
import type { WhatsAppPairSessionRequest, WhatsAppQrRequest, WhatsAppWaitRequest } from './api-types.js';
import { validateBody } from './body-validator.js';

/** Defaults: force false. */
export function parseWhatsAppQrBody(body: unknown): WhatsAppQrRequest {
  return validateBody<WhatsAppQrRequest>('whatsapp-qr-request', body);
}

/** Defaults: timeoutMs 120000 (bounded 1000..300000); an empty currentQrDataUrl is the same as none. */
export function parseWhatsAppWaitBody(body: unknown): WhatsAppWaitRequest {
  const { timeoutMs, currentQrDataUrl } = validateBody<WhatsAppWaitRequest>('whatsapp-wait-request', body);
  return currentQrDataUrl ? { timeoutMs, currentQrDataUrl } : { timeoutMs };
}

/** The pairing page's ticket exchange. */
export function parseWhatsAppPairSessionBody(body: unknown): WhatsAppPairSessionRequest {
  return validateBody<WhatsAppPairSessionRequest>('whatsapp-pair-session-request', body);
}

// Typed, validated bodies of the WhatsApp routes (schemas/api/whatsapp-*.json).
import { validateBody } from './body-validator.js';

export interface WhatsAppQrBody {
  readonly force: boolean;
}

export interface WhatsAppWaitBody {
  readonly timeoutMs: number;
  readonly currentQrDataUrl?: string;
}

/** Defaults: force false. */
export function parseWhatsAppQrBody(body: unknown): WhatsAppQrBody {
  return validateBody<WhatsAppQrBody>('whatsapp-qr-request', body);
}

/** Defaults: timeoutMs 120000 (bounded 1000..300000); an empty currentQrDataUrl is the same as none. */
export function parseWhatsAppWaitBody(body: unknown): WhatsAppWaitBody {
  const { timeoutMs, currentQrDataUrl } = validateBody<WhatsAppWaitBody>('whatsapp-wait-request', body);
  return currentQrDataUrl ? { timeoutMs, currentQrDataUrl } : { timeoutMs };
}

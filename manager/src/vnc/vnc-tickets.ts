// Tickets for the VNC WebSocket, so a browser never holds the API key: single-use tickets
// (auth/single-use-tickets.ts) of the VNC purpose, valid 60 s, refused with the VNC errors.
import { SingleUseTickets, deriveTicketKey as deriveKey } from '../auth/single-use-tickets.js';
import { VncTicketAlreadyUsed, VncTicketExpired, VncTicketInvalid } from './vnc-errors.js';

export type { IssuedTicket } from '../auth/single-use-tickets.js';

export interface VncTicketOptions {
  /** HMAC key, at least 32 bytes (e.g. deriveTicketKey(apiKey)). */
  readonly key: Uint8Array;
  /** Lifetime in ms (default 60 000). */
  readonly ttlMs?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export const DEFAULT_TICKET_TTL_MS = 60_000;

/** The VNC ticket key, bound to the API key. */
export function deriveTicketKey(apiKey: string): Buffer {
  return deriveKey(apiKey, 'vnc-ticket-hmac-v1');
}

export class VncTickets extends SingleUseTickets {
  constructor(options: VncTicketOptions) {
    super({
      key: options.key,
      purpose: 'openclaw-vnc-ticket/v1',
      ttlMs: options.ttlMs ?? DEFAULT_TICKET_TTL_MS,
      refusals: { invalid: () => new VncTicketInvalid(), expired: () => new VncTicketExpired(), used: () => new VncTicketAlreadyUsed() },
      ...(options.now ? { now: options.now } : {}),
    });
  }
}

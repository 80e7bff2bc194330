// Tickets of pairing links: single-use tickets (auth/single-use-tickets.ts) of their own purpose and
// key, so a VNC ticket never opens a pairing page nor the other way round. A link travels to its user
// (a message, a redirect), so it lives longer than a VNC ticket; the session it opens is what bounds
// the pairing itself.
import { SingleUseTickets, deriveTicketKey } from '../auth/single-use-tickets.js';
import { PairingTicketExpired, PairingTicketInvalid, PairingTicketUsed } from './pairing-errors.js';

export const DEFAULT_PAIRING_TICKET_TTL_MS = 5 * 60_000;

export interface PairingTicketOptions {
  readonly apiKey: string;
  /** Lifetime of an unopened link in ms (default 5 min). */
  readonly ttlMs?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export class PairingTickets extends SingleUseTickets {
  constructor(options: PairingTicketOptions) {
    super({
      key: deriveTicketKey(options.apiKey, 'whatsapp-pair-ticket-hmac-v1'),
      purpose: 'openclaw-whatsapp-pair-ticket/v1',
      ttlMs: options.ttlMs ?? DEFAULT_PAIRING_TICKET_TTL_MS,
      refusals: { invalid: () => new PairingTicketInvalid(), expired: () => new PairingTicketExpired(), used: () => new PairingTicketUsed() },
      ...(options.now ? { now: options.now } : {}),
    });
  }
}

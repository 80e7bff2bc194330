// The pairing state one manager process shares between the ticket route and the pairing page's
// routes: the links' tickets and the sessions they open.
import { PairingSessions, type PairingSessionsOptions } from './pairing-sessions.js';
import { PairingTickets } from './pairing-tickets.js';

export interface PairingServices {
  readonly tickets: PairingTickets;
  readonly sessions: PairingSessions;
}

export interface PairingServicesOptions extends PairingSessionsOptions {
  readonly apiKey: string;
  /** Lifetime of an unopened link (default 5 min). */
  readonly ticketTtlMs?: number;
}

/** @example createPairingServices({ apiKey: config.apiKey }) */
export function createPairingServices(options: PairingServicesOptions): PairingServices {
  const { apiKey, ticketTtlMs, ...sessions } = options;
  return {
    tickets: new PairingTickets({ apiKey, ...(ticketTtlMs === undefined ? {} : { ttlMs: ticketTtlMs }), ...(options.now ? { now: options.now } : {}) }),
    sessions: new PairingSessions(sessions),
  };
}

// Conditions the VNC WebSocket answers with, before the upgrade, as plain HTTP errors. None of the
// messages echo a token or a ticket.
import { HttpError } from '../errors/http-error.js';

/** Neither a valid `?token=` nor a `?ticket=` was presented. */
export class VncAuthenticationRequired extends HttpError {
  constructor() {
    super(401, 'Missing or invalid token or ticket', { code: 'VNC_AUTH_REQUIRED' });
  }
}

/** The ticket is malformed, forged, or minted for another user (or by an earlier manager process). */
export class VncTicketInvalid extends HttpError {
  constructor() {
    super(401, 'Invalid VNC ticket', { code: 'VNC_TICKET_INVALID' });
  }
}

export class VncTicketExpired extends HttpError {
  constructor() {
    super(401, 'VNC ticket has expired; request a new one', { code: 'VNC_TICKET_EXPIRED' });
  }
}

/** Tickets are single use: a second connection needs a new ticket. */
export class VncTicketAlreadyUsed extends HttpError {
  constructor() {
    super(401, 'VNC ticket has already been used; request a new one', { code: 'VNC_TICKET_USED' });
  }
}

export class VncTooManyViewers extends HttpError {
  constructor(userId: string, limit: number) {
    super(429, `Instance "${userId}" already has ${limit} VNC viewers connected`, {
      code: 'VNC_TOO_MANY_VIEWERS',
      details: { limit },
      headers: { 'Retry-After': '5' },
    });
  }
}

/** The instance is ready but its websockify could not be reached (browser disabled, still starting). */
export class VncUpstreamUnavailable extends HttpError {
  constructor(userId: string, options: { cause?: unknown } = {}) {
    super(503, `VNC of instance "${userId}" is not reachable`, {
      code: 'VNC_UNAVAILABLE',
      expose: true,
      headers: { 'Retry-After': '5' },
      ...options,
    });
  }
}

// What the pairing page's requests are refused with. The page shows these messages to the person
// linking their phone as they are, so they say what happened and what to do, and name no key,
// ticket or token.
import { HttpError } from '../errors/http-error.js';

const ASK_AGAIN = 'ask for a new link';

/** Malformed, forged, minted for another user, or minted before the manager last restarted. */
export class PairingTicketInvalid extends HttpError {
  constructor() {
    super(401, `This pairing link is not valid (it is incomplete, or older than the server's last restart); ${ASK_AGAIN}.`, { code: 'PAIRING_TICKET_INVALID' });
  }
}

export class PairingTicketExpired extends HttpError {
  constructor() {
    super(401, `This pairing link has expired; ${ASK_AGAIN}.`, { code: 'PAIRING_TICKET_EXPIRED' });
  }
}

/** A link opens one pairing session, once. */
export class PairingTicketUsed extends HttpError {
  constructor() {
    super(401, `This pairing link has been used already (each link works once); ${ASK_AGAIN}.`, { code: 'PAIRING_TICKET_USED' });
  }
}

/** No live session for the token: it timed out, a newer link of the same user replaced it, or the manager restarted. */
export class PairingSessionEnded extends HttpError {
  constructor() {
    super(401, `This pairing session has ended (it timed out, a newer link replaced it, or the server restarted); ${ASK_AGAIN}.`, {
      code: 'PAIRING_SESSION_ENDED',
    });
  }
}

/** Every login the session allows has been started. */
export class PairingAttemptsUsed extends HttpError {
  constructor(attempts: number) {
    super(403, `This link has shown all of its ${attempts} QR codes; ${ASK_AGAIN}.`, { code: 'PAIRING_ATTEMPTS_USED' });
  }
}

/** A later request of the same session (the page reloaded, or opened in a second tab) took over. */
export class PairingCallSuperseded extends HttpError {
  constructor() {
    super(409, 'This pairing page was opened again elsewhere; continue there.', { code: 'PAIRING_SUPERSEDED' });
  }
}

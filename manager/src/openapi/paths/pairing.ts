// The hosted WhatsApp pairing page: the ticket an app backend mints, the page, and the session routes
// the page drives. Response shapes are those of manager/src/pairing.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, userIdParameter, type JsonObject } from '../components.js';

/** The pairing page's own credential: the token POST /pair/{userId}/session answered with. */
const PAIRING_SESSION: JsonObject[] = [{ pairingSession: [] }];

const html = (description: string): JsonObject => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

const pairingView: JsonObject = {
  type: 'object',
  required: ['state', 'message', 'attemptsLeft', 'expiresInMs'],
  properties: {
    state: {
      enum: ['ready', 'qr', 'linked', 'already-linked', 'expired', 'failed'],
      description:
        'ready: no login yet (POST .../login); qr: show qrDataUrl and POST .../wait; linked: done; already-linked: the instance was linked before; ' +
        'expired / failed: the login is over (POST .../login again while attemptsLeft > 0)',
    },
    message: { type: 'string', description: 'What happened, for the person at the page (WhatsApp\'s own words where it gave some)' },
    qrDataUrl: { type: 'string', description: 'data:image/png;base64,... (state qr)' },
    qrExpiresInMs: { type: 'integer', minimum: 0, description: 'Time left of the login the QR belongs to (state qr)' },
    attemptsLeft: { type: 'integer', minimum: 0, description: 'Logins the session may still start (3 at first)' },
    expiresInMs: { type: 'integer', minimum: 0, description: 'Time left of the session (10 min at first)' },
  },
};

const SESSION_ERRORS: JsonObject = {
  '400': errorResponse('Invalid userId'),
  '401': errorResponse('No live pairing session for this token (PAIRING_SESSION_ENDED): it timed out, a newer link replaced it, or the manager restarted'),
  '500': errorResponse('Internal error (details are in the manager log)'),
};

const GATEWAY_ERRORS: JsonObject = {
  '404': errorResponse('The instance is gone'),
  '409': errorResponse('The instance is stopped (INSTANCE_STOPPED), or a newer request of the same session took over (PAIRING_SUPERSEDED)'),
  '501': errorResponse('The instance has no WhatsApp plugin, or its config denies it (WHATSAPP_PLUGIN_MISSING)'),
  '502': errorResponse('The gateway failed'),
  '503': errorResponse('The instance is not ready or its gateway is unavailable (see Retry-After)'),
  '504': errorResponse('The gateway did not answer in time'),
};

export const pairingPaths: JsonObject = {
  '/api/instances/{userId}/whatsapp/pair-ticket': {
    parameters: [userIdParameter],
    post: {
      operationId: 'whatsappPairTicket',
      summary: 'A link to the hosted pairing page for this user: single use, to be opened within 5 minutes',
      description:
        'Send the person the page\'s URL (pageUrl, resolved against the manager\'s public origin). Opening it does not use the ticket up; ' +
        'pressing "Show the QR code" does, and opens a pairing session of 10 minutes that may show up to 3 logins\' QR codes.',
      responses: {
        '200': jsonResponse('The link', {
          type: 'object',
          required: ['pageUrl', 'expiresAt'],
          properties: {
            pageUrl: { type: 'string', description: 'Relative URL of the page with the ticket: /pair/{userId}?ticket=...' },
            expiresAt: { type: 'string', format: 'date-time', description: 'The link must be opened before this' },
          },
        }),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('The instance is stopped (INSTANCE_STOPPED)'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/pair/{userId}': {
    parameters: [userIdParameter],
    get: {
      operationId: 'pairingPage',
      summary: 'The pairing page: shows the QR, redraws it as WhatsApp renews it, counts down, says when linked (no auth; the page load does not use the ticket up)',
      security: [],
      parameters: [{ name: 'ticket', in: 'query', required: false, description: 'From POST .../whatsapp/pair-ticket; without it the page resumes its tab\'s session', schema: { type: 'string' } }],
      responses: {
        '200': html('The page'),
        '400': errorResponse('Invalid userId'),
        '401': html('The same page, saying why the link cannot be used: invalid, expired or used'),
      },
    },
  },
  '/pair/{userId}/session': {
    parameters: [userIdParameter],
    post: {
      operationId: 'pairingSessionOpen',
      summary: 'Trade the link\'s ticket for a pairing session (uses the ticket up); a user\'s earlier session ends',
      security: [],
      requestBody: jsonBody('whatsapp-pair-session-request'),
      responses: {
        '201': jsonResponse('The session\'s token (send it as Authorization: Bearer) and its state', {
          allOf: [pairingView, { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }],
        }),
        '400': errorResponse('Invalid userId or body'),
        '401': errorResponse('The ticket is invalid, expired or used (PAIRING_TICKET_INVALID, PAIRING_TICKET_EXPIRED, PAIRING_TICKET_USED)'),
        '500': errorResponse('Internal error (details are in the manager log)'),
      },
    },
    get: {
      operationId: 'pairingSessionState',
      summary: 'The session\'s state as it is (a reloaded page picks up from here)',
      security: PAIRING_SESSION,
      responses: { '200': jsonResponse('The state', pairingView), ...SESSION_ERRORS },
    },
  },
  '/pair/{userId}/login': {
    parameters: [userIdParameter],
    post: {
      operationId: 'pairingLogin',
      summary: 'Start a WhatsApp login and show its QR (as POST .../whatsapp/qr without force); with a QR up or linked, the state as it is',
      security: PAIRING_SESSION,
      responses: {
        '200': jsonResponse('The state: qr, failed (WhatsApp refused; the gateway\'s words) or already-linked', pairingView),
        ...SESSION_ERRORS,
        '403': errorResponse('The session has started all of its logins (PAIRING_ATTEMPTS_USED)'),
        ...GATEWAY_ERRORS,
      },
    },
  },
  '/pair/{userId}/wait': {
    parameters: [userIdParameter],
    post: {
      operationId: 'pairingWait',
      summary: 'Wait up to 25 s for the scan (as POST .../whatsapp/wait with the QR on screen); closing the request cancels the wait',
      security: PAIRING_SESSION,
      responses: {
        '200': jsonResponse('The state: qr (the same QR, or a new one), linked, expired or failed', pairingView),
        ...SESSION_ERRORS,
        ...GATEWAY_ERRORS,
      },
    },
  },
};

// WhatsApp pairing: QR, wait, status, logout. Response shapes are those of manager/src/whatsapp.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, userIdParameter, type JsonObject } from '../components.js';

const qrIssued: JsonObject = {
  type: 'object',
  required: ['qrDataUrl', 'message', 'expiresAt'],
  properties: {
    qrDataUrl: { type: 'string', description: 'data:image/png;base64,... (show it as an image)' },
    message: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the login expires at the latest (180 s)' },
  },
};

const waitResult: JsonObject = {
  type: 'object',
  required: ['connected', 'message'],
  properties: {
    connected: { type: 'boolean', description: 'true once the phone has linked' },
    message: { type: 'string', description: "The gateway's words" },
    reason: {
      type: 'string',
      enum: ['qr-rotated', 'timeout', 'expired', 'not-started', 'failed'],
      description:
        'When not connected: qr-rotated (show qrDataUrl, wait again), timeout (wait again), expired / not-started (start over with /qr), failed (see message)',
    },
    qrDataUrl: { type: 'string', description: 'The new QR, when reason is qr-rotated' },
  },
};

const status: JsonObject = {
  type: 'object',
  required: ['linked', 'connected', 'running', 'self', 'lastError', 'state', 'health', 'issues'],
  properties: {
    linked: { type: 'boolean' },
    connected: { type: 'boolean' },
    running: { type: 'boolean' },
    self: {
      type: ['object', 'null'],
      properties: { e164: { type: ['string', 'null'] }, jid: { type: ['string', 'null'] } },
      description: 'The linked phone number (E.164) and WhatsApp id; null when not linked',
    },
    lastError: { type: ['string', 'null'] },
    state: { type: ['string', 'null'], description: 'linked, not-linked or unstable' },
    health: { type: ['string', 'null'], description: 'e.g. stopped, connected, reconnecting, logged-out' },
    issues: { type: 'array', items: { type: 'string' } },
  },
};

const logoutResult: JsonObject = {
  type: 'object',
  required: ['loggedOut', 'message'],
  properties: { loggedOut: { type: 'boolean' }, message: { type: 'string' } },
};

const GATEWAY_ERRORS: JsonObject = {
  '404': errorResponse('No such instance'),
  '409': errorResponse('The instance is stopped (INSTANCE_STOPPED); POST /api/instances/{userId}/start first'),
  '501': errorResponse('The instance has no WhatsApp plugin, or its config denies it with plugins.deny (WHATSAPP_PLUGIN_MISSING)'),
  '503': errorResponse('The instance is not ready or its gateway is unavailable (see Retry-After)'),
  '504': errorResponse('The gateway did not answer in time'),
  ...COMMON_ERRORS,
};

export const whatsappPaths: JsonObject = {
  '/api/instances/{userId}/whatsapp/qr': {
    parameters: [userIdParameter],
    post: {
      operationId: 'whatsappQr',
      summary: 'Start linking WhatsApp: returns a QR to scan in WhatsApp > Linked Devices',
      requestBody: { ...jsonBody('whatsapp-qr-request'), required: false },
      responses: {
        '200': jsonResponse('A QR to show', qrIssued),
        '400': errorResponse('Invalid body'),
        '502': errorResponse("The gateway gave no QR (WHATSAPP_LOGIN_FAILED); the message is the gateway's, e.g. WhatsApp unreachable"),
        ...GATEWAY_ERRORS,
        '409': errorResponse('WhatsApp is already linked (WHATSAPP_ALREADY_LINKED; send {"force":true} to link again), or the instance is stopped (INSTANCE_STOPPED)'),
      },
    },
  },
  '/api/instances/{userId}/whatsapp/wait': {
    parameters: [userIdParameter],
    post: {
      operationId: 'whatsappWait',
      summary: 'Wait for the QR to be scanned; answers early with a rotated QR. Closing the request cancels the wait.',
      requestBody: { ...jsonBody('whatsapp-wait-request'), required: false },
      responses: {
        '200': jsonResponse('Linked, a new QR, or why the wait ended', waitResult),
        '400': errorResponse('Invalid body'),
        '502': errorResponse('The gateway gave no usable answer'),
        ...GATEWAY_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/whatsapp/status': {
    parameters: [userIdParameter],
    get: {
      operationId: 'whatsappStatus',
      summary: 'WhatsApp link state of the instance',
      responses: { '200': jsonResponse('The link state', status), '400': errorResponse('Invalid userId'), '502': errorResponse('The gateway failed'), ...GATEWAY_ERRORS },
    },
  },
  '/api/instances/{userId}/whatsapp/logout': {
    parameters: [userIdParameter],
    post: {
      operationId: 'whatsappLogout',
      summary: 'Unlink WhatsApp: removes the stored session',
      responses: { '200': jsonResponse('Logged out (or was not linked)', logoutResult), '400': errorResponse('Invalid userId'), '502': errorResponse('The gateway failed'), ...GATEWAY_ERRORS },
    },
  },
};

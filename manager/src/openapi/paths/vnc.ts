// The instance's browser screen: the VNC WebSocket, its tickets, and the viewer page.
import { VIEWER_ASSET_NAMES } from '../../viewer/viewer-assets.js';
import { COMMON_ERRORS, errorResponse, jsonResponse, userIdParameter, type JsonObject } from '../components.js';

const ticketParameter: JsonObject = {
  name: 'ticket',
  in: 'query',
  required: true,
  description: 'A ticket from POST /api/instances/{userId}/vnc/ticket',
  schema: { type: 'string' },
};

const ticketResponse: JsonObject = {
  type: 'object',
  required: ['url', 'viewerUrl', 'expiresAt'],
  properties: {
    url: { type: 'string', description: 'Relative WebSocket URL /api/instances/{userId}/vnc?ticket=...' },
    viewerUrl: { type: 'string', description: 'Relative URL of the viewer page /viewer/{userId}?ticket=...' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

export const vncPaths: JsonObject = {
  '/api/instances/{userId}/vnc': {
    parameters: [userIdParameter],
    get: {
      operationId: 'vnc',
      summary: 'WebSocket to the instance\'s noVNC (websockify); RFB bytes both ways, subprotocol `binary` when offered',
      description:
        'Browsers cannot set headers on WebSockets, so the credential may be in the query: `token=<API key>` or a single-use ' +
        '`ticket=`; other clients send the API\'s `Authorization: Bearer` header. Everything below is answered before the ' +
        'upgrade. Closes are passed on with their codes.',
      security: [{ bearer: [] }, {}],
      parameters: [
        { name: 'token', in: 'query', required: false, description: 'The API key', schema: { type: 'string' } },
        { ...ticketParameter, required: false },
      ],
      responses: {
        '101': { description: 'Switched to WebSocket, piped to the instance\'s websockify' },
        '400': errorResponse('Invalid userId, or not a WebSocket handshake'),
        '401': errorResponse('Missing or invalid token, or an invalid, expired or used ticket'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('The instance is stopped (INSTANCE_STOPPED)'),
        '426': errorResponse('A plain GET (no Upgrade: websocket)'),
        '429': errorResponse('Too many viewers on this instance (OPENCLAW_VNC_MAX_VIEWERS), or too many failed attempts'),
        '503': errorResponse('The instance is not ready, or its VNC is not reachable (see Retry-After)'),
      },
    },
  },
  '/api/instances/{userId}/vnc/ticket': {
    parameters: [userIdParameter],
    post: {
      operationId: 'vncTicket',
      summary: 'A single-use ticket for the VNC WebSocket and the viewer page, valid 60 s, for this user only',
      responses: {
        '200': jsonResponse('The ticket, inside ready-made relative URLs', ticketResponse),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('The instance is stopped (INSTANCE_STOPPED)'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/viewer/{userId}': {
    parameters: [userIdParameter],
    get: {
      operationId: 'viewer',
      summary: 'HTML page with a noVNC client that connects with the ticket (the page load does not use the ticket up)',
      security: [],
      parameters: [ticketParameter],
      responses: {
        '200': { description: 'The viewer page', content: { 'text/html': { schema: { type: 'string' } } } },
        '400': errorResponse('Invalid userId'),
        '401': errorResponse('Missing, invalid, expired or used ticket'),
      },
    },
  },
  '/viewer/assets/{name}': {
    parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: [...VIEWER_ASSET_NAMES] } }],
    get: {
      operationId: 'viewerAsset',
      summary: 'The bundled scripts of the viewer page and the WhatsApp pairing page',
      security: [],
      responses: {
        '200': { description: 'JavaScript or its source map' },
        '404': errorResponse('No such asset'),
        '503': errorResponse('The viewer is not built (npm run build)'),
      },
    },
  },
};

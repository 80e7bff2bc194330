// The operator console: its page, its bundle, and its session (sign in with the key, sign out).
import { CONSOLE_ASSET_TYPES } from '../../console/console-assets.js';
import { CONSOLE_COOKIE, CSRF_HEADER } from '../../contracts/console-session.js';
import { errorResponse, jsonBody, jsonResponse, type JsonObject } from '../components.js';

const sessionResponse: JsonObject = {
  type: 'object',
  required: ['csrfToken', 'expiresAt'],
  additionalProperties: false,
  properties: {
    csrfToken: { type: 'string', description: `Send it as ${CSRF_HEADER} with every write the session makes` },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the session ends at the latest (it also ends after 30 min unused)' },
  },
};

const tooManyFailures = errorResponse('Too many failed authentication attempts from this address (see Retry-After)');

export const consolePaths: JsonObject = {
  '/console': {
    get: {
      operationId: 'console',
      summary: 'The operator console: an HTML page that signs in with the API key, then works through this API with its session cookie',
      security: [],
      responses: { '200': { description: 'The console page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  '/console/assets/{name}': {
    parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: [...CONSOLE_ASSET_TYPES.keys()] } }],
    get: {
      operationId: 'consoleAsset',
      summary: 'The console\'s bundled script and style sheet',
      security: [],
      responses: {
        '200': { description: 'JavaScript, CSS or a source map' },
        '404': errorResponse('No such asset'),
        '503': errorResponse('The console is not built (npm run build)'),
      },
    },
  },
  '/console/session': {
    post: {
      operationId: 'consoleSignIn',
      summary: `Sign in with the API key: sets the session cookie ${CONSOLE_COOKIE} (HttpOnly, SameSite=Strict, Path=/, Secure over https)`,
      description:
        'The key is compared and forgotten; the browser holds only a random session id it cannot read. The session is accepted by every ' +
        `route that takes the Bearer key, in its place; a write (any method but GET and HEAD) made with it must come from the manager's own ` +
        `origin and carry ${CSRF_HEADER}, else 403 CROSS_SITE_REQUEST. Wrong keys count against the address like wrong Bearer keys.`,
      security: [],
      requestBody: jsonBody('console-session-request'),
      responses: {
        '201': jsonResponse('Signed in (Set-Cookie)', sessionResponse),
        '400': errorResponse('Invalid body'),
        '401': errorResponse('Wrong API key'),
        '403': errorResponse('Sent from another origin (CROSS_SITE_REQUEST)'),
        '429': tooManyFailures,
      },
    },
    get: {
      operationId: 'consoleSession',
      summary: 'The session of the cookie: its CSRF token and when it ends (the page asks after a reload)',
      security: [{ consoleSession: [] }],
      responses: {
        '200': jsonResponse('Signed in', sessionResponse),
        '401': errorResponse('Not signed in, or the session ended'),
      },
    },
    delete: {
      operationId: 'consoleSignOut',
      summary: 'Sign out: ends the session and clears its cookie (204 also when there was none)',
      security: [{ consoleSession: [] }, {}],
      parameters: [{ name: CSRF_HEADER, in: 'header', required: false, schema: { type: 'string' }, description: 'Required while the cookie names a live session' }],
      responses: {
        '204': { description: 'Signed out' },
        '403': errorResponse('A live session without its CSRF token, or from another origin (CROSS_SITE_REQUEST)'),
      },
    },
  },
};

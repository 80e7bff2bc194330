// The OpenAPI 3.1 document of the whole API. Request bodies are the schemas/api files themselves;
// a unit test checks that the document and the router list the same routes.
import { CONSOLE_COOKIE, CSRF_HEADER } from '../contracts/console-session.js';
import { API_SCHEMAS } from '../validation/api-schemas.js';
import { BODY_SCHEMA_NAMES, COMPONENT_SCHEMAS, errorResponse, type JsonObject } from './components.js';
import { backupPaths } from './paths/backups.js';
import { consolePaths } from './paths/console.js';
import { fleetPaths } from './paths/fleet.js';
import { instancePaths } from './paths/instances.js';
import { lifecyclePaths } from './paths/lifecycle.js';
import { metricsPaths } from './paths/metrics.js';
import { pairingPaths } from './paths/pairing.js';
import { publicPaths } from './paths/public.js';
import { rpcPaths } from './paths/rpc.js';
import { vncPaths } from './paths/vnc.js';
import { whatsappPaths } from './paths/whatsapp.js';

export const API_VERSION = '1.0.0';

export function buildOpenApiDocument(): JsonObject {
  const bodySchemas = Object.fromEntries(
    Object.entries(API_SCHEMAS).map(([file, schema]) => [BODY_SCHEMA_NAMES[file as keyof typeof API_SCHEMAS], schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'openclaw-manager',
      version: API_VERSION,
      description:
        'One isolated OpenClaw gateway per user. Every route under /api needs `Authorization: Bearer <key>`; /health and /openapi.json are open; ' +
        'the browser pages (/viewer, /pair) take a single-use ticket minted through /api instead of the key. ' +
        'Errors are {"error": message, "code": string, "details"?: object} (components.schemas.Error; details.problems names every bad field). ' +
        `The operator console (/console) signs in once with the key and then sends its session cookie instead; its writes also carry ${CSRF_HEADER}.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: 'http://localhost:3000' }],
    security: [{ bearer: [] }, { consoleSession: [] }],
    paths: withBodyLimit(withConsoleWrites({
      ...publicPaths, ...metricsPaths, ...instancePaths, ...lifecyclePaths, ...backupPaths, ...fleetPaths, ...rpcPaths, ...whatsappPaths, ...pairingPaths, ...vncPaths, ...consolePaths,
    })),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'OPENCLAW_MANAGER_API_KEY' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: CONSOLE_COOKIE, description: 'The operator console\'s session (POST /console/session)' },
        pairingSession: { type: 'http', scheme: 'bearer', description: 'A WhatsApp pairing page\'s session token (POST /pair/{userId}/session)' },
      },
      schemas: { ...COMPONENT_SCHEMAS, ...bodySchemas },
    },
  };
}

/** A write under /api made with the console's session cookie is refused with 403 unless it is same-origin with the CSRF token. */
function withConsoleWrites(paths: JsonObject): JsonObject {
  const refused = errorResponse(`Made with the console's session cookie, but from another origin or without ${CSRF_HEADER} (CROSS_SITE_REQUEST)`);
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      if (!path.startsWith('/api/')) return [path, item];
      const operations = Object.entries(item as JsonObject).map(([method, operation]) => {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) return [method, operation];
        const { responses, ...rest } = operation as { responses: JsonObject };
        // A route's own 403 (e.g. a gateway scope) keeps its description; the body is the same Error.
        return [method, { ...rest, responses: { '403': refused, ...responses } }];
      });
      return [path, Object.fromEntries(operations)];
    }),
  );
}

/** Every POST reads its body under the size limit (middleware/json-body.ts), so any may answer 413. */
function withBodyLimit(paths: JsonObject): JsonObject {
  const tooLarge = errorResponse('The body is larger than the limit (PAYLOAD_TOO_LARGE)');
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      const { post, ...rest } = item as { post?: { responses: JsonObject } };
      return [path, post ? { ...rest, post: { ...post, responses: { ...post.responses, '413': tooLarge } } } : item];
    }),
  );
}

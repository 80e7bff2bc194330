// Open routes: health and this document.
import { jsonResponse, type JsonObject } from '../components.js';

export const publicPaths: JsonObject = {
  '/health': {
    get: {
      operationId: 'health',
      summary: 'Liveness of the manager (no auth)',
      security: [],
      responses: {
        '200': jsonResponse('The manager is up', { type: 'object', required: ['ok'], properties: { ok: { const: true } } }),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openapi',
      summary: 'This OpenAPI document (no auth)',
      security: [],
      responses: { '200': jsonResponse('OpenAPI 3.1 document', { type: 'object' }) },
    },
  },
};

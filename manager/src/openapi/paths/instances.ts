// Instance lifecycle routes.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, ref, userIdParameter, type JsonObject } from '../components.js';

export const instancePaths: JsonObject = {
  '/api/instances': {
    post: {
      operationId: 'createInstance',
      summary: 'Create a user\'s instance, empty or from a backup (fromBackup: a clone)',
      requestBody: jsonBody('create-instance'),
      responses: {
        '201': jsonResponse('Created and ready', ref('Instance')),
        '202': jsonResponse('Created; starting (poll GET /api/instances/{userId} until phase Running)', ref('Instance')),
        '400': errorResponse('Invalid body (the message names the field) or body is not JSON'),
        '404': errorResponse('fromBackup names no backup'),
        '409': errorResponse('The instance exists, another operation on it is in progress, fromBackup is not ready, or kept data is in the way of a clone'),
        '413': errorResponse('Body too large'),
        '502': errorResponse('The runtime failed to install it (the message says why, e.g. helm\'s error)'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
    get: {
      operationId: 'listInstances',
      summary: 'List instances with their status',
      responses: { '200': jsonResponse('All instances', ref('InstanceList')), ...COMMON_ERRORS },
    },
  },
  '/api/instances/{userId}': {
    parameters: [userIdParameter],
    get: {
      operationId: 'getInstance',
      summary: 'One instance\'s status',
      responses: {
        '200': jsonResponse('The instance', ref('Instance')),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        ...COMMON_ERRORS,
      },
    },
    delete: {
      operationId: 'deleteInstance',
      summary: 'Delete an instance; its data is kept for a re-create unless preservePvc=false',
      parameters: [
        { name: 'preservePvc', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'], default: 'true' } },
      ],
      responses: {
        '200': jsonResponse('Deleted', ref('DeleteResult')),
        '400': errorResponse('Invalid userId or preservePvc'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('Another operation on this instance is in progress'),
        '502': errorResponse('The runtime failed to remove it'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
};

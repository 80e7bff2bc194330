// Gateway RPC proxy.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, ref, userIdParameter, type JsonObject } from '../components.js';

export const rpcPaths: JsonObject = {
  '/api/instances/{userId}/rpc': {
    parameters: [userIdParameter],
    post: {
      operationId: 'rpc',
      summary: 'Call any gateway method; the answer is {"result": <gateway payload>}',
      requestBody: jsonBody('rpc-request'),
      responses: {
        '200': jsonResponse('The gateway answered ok', ref('RpcResult')),
        '400': errorResponse('Invalid body, or the gateway refused the request (INVALID_REQUEST, unknown method)'),
        '403': errorResponse('The gateway connection lacks the scope for this method'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('The instance is stopped (INSTANCE_STOPPED); POST /api/instances/{userId}/start first'),
        '502': errorResponse('The gateway failed'),
        '503': errorResponse('The instance is not ready or the gateway is unavailable (see Retry-After)'),
        '504': errorResponse('The gateway did not answer within timeoutMs'),
        ...COMMON_ERRORS,
      },
    },
  },
};

// Stop, start, start progress, revisions and rollback of one instance.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, ref, userIdParameter, type JsonObject } from '../components.js';

const progressEvent: JsonObject = {
  type: 'object',
  required: ['progress', 'message', 'ready', 'failed'],
  properties: {
    progress: { type: 'integer', minimum: 0, maximum: 100, description: 'Never decreases; 100 only when ready' },
    message: { type: 'string', description: 'The step reached, e.g. "Successfully assigned ...", "pulling the image", "gateway ready"' },
    ready: { type: 'boolean', description: 'The gateway accepts RPCs; the stream ends after this event' },
    failed: { type: 'boolean', description: 'It will not become ready without a change (crash loop, image pull, deleted); the stream ends' },
  },
};

export const lifecyclePaths: JsonObject = {
  '/api/instances/{userId}/stop': {
    parameters: [userIdParameter],
    post: {
      operationId: 'stopInstance',
      summary: 'Stop an instance: compute scaled to zero (helm upgrade with replicas 0); data, Secret (token, secrets) and Service kept. Idempotent',
      responses: {
        '200': jsonResponse('Stopped (phase Stopped), also when it already was', ref('Instance')),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('Another operation on this instance is in progress'),
        '502': errorResponse('The runtime failed to stop it'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/start': {
    parameters: [userIdParameter],
    post: {
      operationId: 'startInstance',
      summary: 'Start a stopped instance with the same data, token and image tag. Idempotent',
      responses: {
        '200': jsonResponse('Already running and ready', ref('Instance')),
        '202': jsonResponse('Starting (follow GET .../progress, or poll GET /api/instances/{userId} until phase Running)', ref('Instance')),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        '409': errorResponse('Another operation on this instance is in progress'),
        '502': errorResponse('The runtime failed to start it'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/progress': {
    parameters: [userIdParameter],
    get: {
      operationId: 'startProgress',
      summary: 'Server-sent events following the instance to ready: `data: {"progress","message","ready","failed"}` per step and at least every 2 s, `: keepalive` every 15 s',
      description:
        'Helm runtime: from the pod\'s Events (Scheduled, Pulling, Pulled, Created, Started) and status, then readiness. Local runtime: ' +
        'the stages the instance prints (shared plugins, each browser process, the gateway loading its configuration, its plugins, ' +
        'its channels and sidecars), then ready. An event comes whenever the progress or the stage changes and is repeated at ' +
        'least every 2 s while nothing changes; progress never goes back. A stopped instance shows progress 0 and the stream waits ' +
        'for a start. The stream ends after a ready or failed event; closing the connection stops it.',
      responses: {
        '200': {
          description: 'An event stream; each event\'s data is a ProgressEvent',
          content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-schema': progressEvent } },
        },
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/revisions': {
    parameters: [userIdParameter],
    get: {
      operationId: 'instanceRevisions',
      summary: 'The instance\'s kept revisions, newest first: image tag and digest, when, and what made each (helm history on Kubernetes)',
      responses: {
        '200': jsonResponse('The revisions', ref('InstanceRevisions')),
        '400': errorResponse('Invalid userId'),
        '404': errorResponse('No such instance'),
        '502': errorResponse('The runtime failed to read them'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/instances/{userId}/rollback': {
    parameters: [userIdParameter],
    post: {
      operationId: 'rollbackInstance',
      summary: 'Bring back a kept revision (default: the last one that ran another image) and wait until it is ready',
      description:
        'helm rollback on Kubernetes: the revision\'s values and manifest come back as a new revision, as they were (one made while ' +
        'stopped comes back stopped). Local runtime: its image tag (and the binary of that tag) comes back. Answers once ready.',
      requestBody: { ...jsonBody('rollback-request'), required: false },
      responses: {
        '200': jsonResponse('Rolled back and ready (or stopped, when that revision was)', ref('Instance')),
        '400': errorResponse('Invalid userId or body'),
        '404': errorResponse('No such instance, or no such kept revision'),
        '409': errorResponse('Another operation on this instance is in progress, or no kept revision ran another image'),
        '502': errorResponse('The revision brought back does not run (crash loop, image pull failure...)'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        '504': errorResponse('Not ready within timeoutSeconds'),
        ...COMMON_ERRORS,
      },
    },
  },
};

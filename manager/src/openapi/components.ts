// Shared pieces of the OpenAPI document: response schemas, the error shape, the security scheme.
// Request-body schemas are not written here: they are the files of schemas/api.
import { BACKUP_STATES } from '../contracts/backup.js';
import { FLEET_INSTANCE_STATUSES } from '../contracts/fleet-run.js';
import { BACKUP_ID_PATTERN } from '../names/backup-id.js';
import { USER_ID_SCHEMA } from '../names/user-id.js';
import { INSTANCE_PHASES } from '../runtime/instance-runtime.js';
import { API_SCHEMAS } from '../validation/api-schemas.js';

export type JsonObject = Record<string, unknown>;

export const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** Request-body schema name in the document for each schemas/api file: its title. */
export const BODY_SCHEMA_NAMES = Object.fromEntries(
  Object.entries(API_SCHEMAS).map(([file, schema]) => [file, schema.title]),
) as Record<keyof typeof API_SCHEMAS, string>;

export function jsonBody(file: keyof typeof API_SCHEMAS): JsonObject {
  return { required: true, content: { 'application/json': { schema: ref(BODY_SCHEMA_NAMES[file]) } } };
}

export function jsonResponse(description: string, schema: JsonObject): JsonObject {
  return { description, content: { 'application/json': { schema } } };
}

export const errorResponse = (description: string): JsonObject => jsonResponse(description, ref('Error'));

/** The error answers every protected route can give. */
export const COMMON_ERRORS: JsonObject = {
  '401': errorResponse('Missing or invalid Authorization header'),
  '429': errorResponse('Too many failed authentication attempts from this address (see Retry-After)'),
  '500': errorResponse('Internal error (details are in the manager log)'),
};

export const userIdParameter: JsonObject = {
  name: 'userId',
  in: 'path',
  required: true,
  schema: USER_ID_SCHEMA,
};


const dataVolume: JsonObject = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'PVC name <userId>-openclaw-data' },
    kept: { type: 'boolean', description: 'Whether the data outlives a plain delete' },
    path: { type: 'string', description: 'Local runtime: directory of the instance state' },
    phase: { type: 'string', description: 'Helm runtime: PVC phase' },
  },
};

export const COMPONENT_SCHEMAS: JsonObject = {
  Error: {
    type: 'object',
    required: ['error', 'code'],
    additionalProperties: false,
    properties: {
      error: { type: 'string', description: 'What went wrong, for a person; never contains a key, token or secret value' },
      code: { type: 'string', description: 'Machine-readable, e.g. INVALID_REQUEST, AUTHENTICATION_REQUIRED, INSTANCE_NOT_FOUND; for RPC errors the gateway\'s own code' },
      details: {
        type: 'object',
        description: 'Sent with some 4xx answers only; each key has one meaning across the API',
        additionalProperties: false,
        properties: {
          problems: {
            type: 'array',
            description: 'Every bad input, whether from the body, the path or the query (400 INVALID_REQUEST, INVALID_VALUES)',
            items: {
              type: 'object',
              required: ['field', 'message'],
              additionalProperties: false,
              properties: {
                field: { type: 'string', description: 'Dotted path in the body (secrets.FOO, userIds.2), or the path or query parameter (userId, preservePvc); values.* for the chart\'s values' },
                message: { type: 'string' },
              },
            },
          },
          limit: { type: 'integer', description: '429 VNC_TOO_MANY_VIEWERS: viewers allowed per instance' },
          limitBytes: { type: 'integer', description: '413 PAYLOAD_TOO_LARGE: the body limit' },
          id: { type: 'string', description: '409 FLEET_UPGRADE_IN_PROGRESS: the run in progress' },
          gateway: { type: 'object', description: 'RPC errors: the gateway\'s own error details, as it sent them' },
        },
      },
    },
  },
  Instance: {
    type: 'object',
    required: ['userId', 'phase', 'ready', 'message', 'image', 'imageTag', 'createdAt', 'dataVolume', 'runtime'],
    properties: {
      userId: { type: 'string' },
      phase: {
        type: 'string',
        enum: [...INSTANCE_PHASES],
        description: 'Stopped: scaled to zero by stop or idle stop (data, secrets and token kept); POST .../start runs it again',
      },
      ready: { type: 'boolean', description: 'The gateway accepts RPCs' },
      message: { type: 'string' },
      image: { type: 'string' },
      imageTag: { type: 'string', description: 'The image tag this instance runs; kept across stop, start and fleet upgrades' },
      createdAt: { type: 'string', format: 'date-time' },
      dataVolume,
      vnc: {
        type: 'object',
        description: 'The browser screen: connected VNC viewers and the last VNC activity (null: none since the manager started)',
        required: ['viewers', 'lastActivity'],
        properties: { viewers: { type: 'integer', minimum: 0 }, lastActivity: { type: ['string', 'null'], format: 'date-time' } },
      },
      runtime: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { type: 'string', enum: ['local', 'helm'] } },
        additionalProperties: true,
      },
    },
  },
  InstanceList: {
    type: 'object',
    required: ['instances'],
    properties: { instances: { type: 'array', items: ref('Instance') } },
  },
  DeleteResult: {
    type: 'object',
    required: ['deleted', 'userId', 'dataVolume'],
    properties: { deleted: { const: true }, userId: { type: 'string' }, dataVolume },
  },
  FleetUpgradeRun: {
    type: 'object',
    required: ['id', 'state', 'imageTag', 'maxUnavailable', 'timeoutSeconds', 'autoRollback', 'canary', 'startedAt', 'finishedAt', 'counts', 'results'],
    properties: {
      id: { type: 'string' },
      state: { enum: ['running', 'succeeded', 'failed', 'cancelled'], description: 'failed: an instance failed (or was rolled back) and the roll stopped there' },
      imageTag: { type: 'string' },
      maxUnavailable: { type: 'integer' },
      timeoutSeconds: { type: 'integer' },
      autoRollback: { type: 'boolean' },
      canary: {
        type: ['object', 'null'],
        required: ['userIds', 'soakSeconds'],
        properties: { userIds: { type: 'array', items: { type: 'string' } }, soakSeconds: { type: 'integer' } },
        description: 'The canaries, upgraded and watched before the rest; null without',
      },
      startedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      counts: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Instances by status' },
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['userId', 'status', 'message'],
          properties: {
            userId: { type: 'string' },
            status: {
              enum: [...FLEET_INSTANCE_STATUSES],
              description: 'rolledBack: did not become ready (or a canary failed) and runs its previous revision again; failed: could not be upgraded, or its rollback failed too',
            },
            message: { type: 'string' },
            previousRevision: { type: 'integer', description: 'The revision it ran before this run (what a rollback brings back)' },
          },
        },
      },
    },
  },
  InstanceRevisions: {
    type: 'object',
    required: ['userId', 'revisions'],
    properties: {
      userId: { type: 'string' },
      revisions: {
        type: 'array',
        description: 'Newest (the current one) first; helm keeps the last 10',
        items: {
          type: 'object',
          required: ['revision', 'imageTag', 'imageDigest', 'at', 'status', 'cause'],
          properties: {
            revision: { type: 'integer', minimum: 1 },
            imageTag: { type: 'string' },
            imageDigest: { type: ['string', 'null'] },
            at: { type: 'string', format: 'date-time' },
            status: { type: 'string', description: 'deployed (current), superseded, failed, ... (helm\'s words)' },
            cause: { type: 'string', description: 'create, stop, start, "fleet run <id>: upgrade to <tag>", "Rollback to <n>", or what an operator\'s helm wrote' },
          },
        },
      },
    },
  },
  Backup: {
    type: 'object',
    required: ['id', 'userId', 'state', 'consistency', 'reason', 'createdAt', 'finishedAt', 'sizeBytes', 'offlineSeconds', 'wasRunning', 'error', 'location'],
    properties: {
      id: { type: 'string', pattern: BACKUP_ID_PATTERN },
      userId: { type: 'string' },
      state: { enum: [...BACKUP_STATES], description: 'pending while it is taken; ready: restorable; failed: error says why' },
      consistency: { enum: ['stopped', 'online'] },
      reason: { type: 'string', description: '"requested", or "before restoring <id>" for the copy a restore takes first' },
      createdAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      sizeBytes: { type: ['integer', 'null'], description: 'Bytes copied (the VolumeSnapshot\'s restoreSize on Kubernetes)' },
      offlineSeconds: { type: ['number', 'null'], description: 'How long the instance answered nothing because of this backup, until ready again' },
      wasRunning: { type: 'boolean', description: 'It ran when the backup began, and runs again after it' },
      error: { type: ['string', 'null'] },
      location: { type: 'string', description: 'The VolumeSnapshot\'s name (Kubernetes) or the copy\'s directory (local)' },
    },
  },
  BackupList: {
    type: 'object',
    required: ['userId', 'backups'],
    properties: { userId: { type: 'string' }, backups: { type: 'array', items: ref('Backup'), description: 'Newest first' } },
  },
  RpcResult: {
    type: 'object',
    required: ['result'],
    properties: { result: { description: 'The gateway\'s response payload, unchanged' } },
  },
};

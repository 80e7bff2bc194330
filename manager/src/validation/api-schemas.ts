// The request-body schemas of the API: the files in schemas/api, with the rules whose home is the
// chart's values schema (the user id, the image tag) filled in. The OpenAPI document embeds these
// same objects, and the validator compiles them.
import backupRequest from '../../../schemas/api/backup-request.json' with { type: 'json' };
import consoleSessionRequest from '../../../schemas/api/console-session-request.json' with { type: 'json' };
import createInstanceFile from '../../../schemas/api/create-instance.json' with { type: 'json' };
import fleetUpgradeRequestFile from '../../../schemas/api/fleet-upgrade-request.json' with { type: 'json' };
import restoreRequest from '../../../schemas/api/restore-request.json' with { type: 'json' };
import rollbackRequest from '../../../schemas/api/rollback-request.json' with { type: 'json' };
import rpcRequest from '../../../schemas/api/rpc-request.json' with { type: 'json' };
import whatsappPairSessionRequest from '../../../schemas/api/whatsapp-pair-session-request.json' with { type: 'json' };
import whatsappQrRequest from '../../../schemas/api/whatsapp-qr-request.json' with { type: 'json' };
import whatsappWaitRequest from '../../../schemas/api/whatsapp-wait-request.json' with { type: 'json' };
import { IMAGE_TAG_SCHEMA } from '../names/image-tag.js';
import { USER_ID_SCHEMA } from '../names/user-id.js';

/** `schema` with `rule`'s keywords added to one of its properties. */
function withRule<S extends { readonly properties: object }, K extends keyof S['properties'] & string>(
  schema: S,
  property: K,
  rule: object,
): S {
  const properties = schema.properties as Record<string, object>;
  return { ...schema, properties: { ...properties, [property]: { ...properties[property], ...rule } } };
}

/** Schema name (the file name without .json) -> schema. */
export const API_SCHEMAS = {
  'backup-request': backupRequest,
  'console-session-request': consoleSessionRequest,
  'create-instance': withRule(createInstanceFile, 'userId', USER_ID_SCHEMA),
  'fleet-upgrade-request': withRule(fleetUpgradeRequestFile, 'imageTag', IMAGE_TAG_SCHEMA),
  'restore-request': restoreRequest,
  'rollback-request': rollbackRequest,
  'rpc-request': rpcRequest,
  'whatsapp-pair-session-request': whatsappPairSessionRequest,
  'whatsapp-qr-request': whatsappQrRequest,
  'whatsapp-wait-request': whatsappWaitRequest,
} as const;

export type ApiSchemaName = keyof typeof API_SCHEMAS;

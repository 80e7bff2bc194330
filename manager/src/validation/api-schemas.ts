// The request-body schemas of the API: the files in schemas/api, bundled as they are. The OpenAPI
// document embeds these same objects, and the validator compiles them.
import createInstance from '../../../schemas/api/create-instance.json' with { type: 'json' };
import fleetUpgradeRequest from '../../../schemas/api/fleet-upgrade-request.json' with { type: 'json' };
import rpcRequest from '../../../schemas/api/rpc-request.json' with { type: 'json' };
import whatsappQrRequest from '../../../schemas/api/whatsapp-qr-request.json' with { type: 'json' };
import whatsappWaitRequest from '../../../schemas/api/whatsapp-wait-request.json' with { type: 'json' };

/** Schema name (the file name without .json) -> schema. */
export const API_SCHEMAS = {
  'create-instance': createInstance,
  'fleet-upgrade-request': fleetUpgradeRequest,
  'rpc-request': rpcRequest,
  'whatsapp-qr-request': whatsappQrRequest,
  'whatsapp-wait-request': whatsappWaitRequest,
} as const;

export type ApiSchemaName = keyof typeof API_SCHEMAS;

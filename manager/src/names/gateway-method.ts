// The gateway method name rule, as the RPC request schema states it (schemas/api/rpc-request.json).
import rpcRequest from '../../../schemas/api/rpc-request.json' with { type: 'json' };

const METHOD = new RegExp(rpcRequest.properties.method.pattern, 'u');

/** @example isGatewayMethodName('channels.status') // true */
export function isGatewayMethodName(name: string): boolean {
  return METHOD.test(name);
}

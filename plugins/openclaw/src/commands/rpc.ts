// `helm openclaw rpc <userId> <method> [json-params]`: one gateway call, its answer as JSON.
import type { Command } from '../args.js';
import type { InstanceAccess } from '../instance-api.js';
import type { CommandIo } from './command-io.js';

export type RpcCommand = Extract<Command, { kind: 'rpc' }>;

export async function runRpc(command: RpcCommand, access: InstanceAccess, io: CommandIo): Promise<number> {
  const result = await access.rpc(command.method, command.params, { timeoutMs: command.timeoutMs, signal: io.signal });
  io.stdout.write(`${JSON.stringify(result === undefined ? null : result, null, 2)}\n`);
  return 0;
}

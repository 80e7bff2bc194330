// `helm openclaw rollback <userId>`: the manager brings back a kept revision (default: the last one
// that ran another image) and answers once the instance is ready on it; one line says where it is now.
import type { Command } from '../args.js';
import type { ManagerClient } from '../manager-client.js';
import type { CommandIo } from './command-io.js';

export type RollbackCommand = Extract<Command, { kind: 'rollback' }>;

export async function runRollback(command: RollbackCommand, client: Pick<ManagerClient, 'rollback'>, io: CommandIo): Promise<number> {
  const { userId, revision, timeoutSeconds } = command;
  const instance = await client.rollback(userId, { ...(revision === undefined ? {} : { revision }), timeoutSeconds }, io.signal);
  const target = revision === undefined ? '' : ` to revision ${revision}`;
  io.stdout.write(`${userId} rolled back${target}: now on ${instance.imageTag} (${instance.phase})\n`);
  return 0;
}

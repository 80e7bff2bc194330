// `helm openclaw delete-backup <userId> <backupId>`: deletes one backup (its copy and its record);
// one line says which it was. The manager refuses one that is still being taken.
import type { Command } from '../args.js';
import { humanBytes, utcTime } from '../human-units.js';
import type { ManagerClient } from '../manager-client.js';
import type { CommandIo } from './command-io.js';

export type DeleteBackupCommand = Extract<Command, { kind: 'delete-backup' }>;

export async function runDeleteBackup(command: DeleteBackupCommand, client: Pick<ManagerClient, 'deleteBackup'>, io: CommandIo): Promise<number> {
  const { userId, backupId } = command;
  const deleted = await client.deleteBackup(userId, backupId, io.signal);
  const size = deleted.sizeBytes === null ? '' : `, ${humanBytes(deleted.sizeBytes)}`;
  io.stdout.write(`deleted backup ${backupId} of ${userId} (${deleted.state}${size}, taken ${utcTime(deleted.createdAt)})\n`);
  return 0;
}

// `helm openclaw restore <userId> <backupId>`: the manager backs up the data the instance has now,
// puts the backup's data in its place and answers once the instance is back as it was (running
// again if it ran). A failed restore is told with what became of the data and what to do next.
import type { Command } from '../args.js';
import { ManagerRequestFailed, RestoreFailed, WaitTimedOut } from '../errors.js';
import { humanDuration } from '../human-units.js';
import type { ManagerClient } from '../manager-client.js';
import type { CommandIo } from './command-io.js';

export type RestoreCommand = Extract<Command, { kind: 'restore' }>;

/** The manager's two codes for a restore that began and failed (manager/src/backups/backup-errors.ts), told for an operator. */
function explained(err: unknown, userId: string): unknown {
  if (!(err instanceof ManagerRequestFailed)) return err;
  if (err.code === 'RESTORE_FAILED') {
    return new RestoreFailed(`${err.message}. Nothing was lost: ${userId} has the data it had before the restore`);
  }
  if (err.code === 'RESTORE_UNDO_FAILED') {
    const safety = err.details?.safetyBackupId;
    const next = typeof safety === 'string' ? `. ${userId}'s data from before the restore is in backup ${safety}: helm openclaw restore ${userId} ${safety}` : '';
    return new RestoreFailed(`${err.message}${next}`);
  }
  return err;
}

export async function runRestore(command: RestoreCommand, client: Pick<ManagerClient, 'restore'>, io: CommandIo): Promise<number> {
  const { userId, backupId, timeoutMs } = command;
  io.stderr.write(`restoring ${userId} from backup ${backupId} (its data is backed up first; the instance is stopped meanwhile)...\n`);
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const instance = await client.restore(userId, backupId, AbortSignal.any([io.signal, timeout]));
    const state = instance.ready ? `${instance.phase}, ready` : instance.phase;
    io.stdout.write(`${userId} restored from backup ${backupId}: now ${state}; the data it had is kept as a backup (helm openclaw backups ${userId})\n`);
    return 0;
  } catch (err) {
    // The manager goes on with a restore whose caller left; say where its end shows.
    const goesOn = `the restore goes on in the manager: helm openclaw backups ${userId} lists the copy it took first`;
    if (io.signal.aborted) {
      io.stderr.write(`Stopped waiting; ${goesOn}\n`);
      throw err;
    }
    if (timeout.aborted) throw new WaitTimedOut(`no answer within ${humanDuration(timeoutMs)}; ${goesOn}`);
    throw explained(err, userId);
  }
}

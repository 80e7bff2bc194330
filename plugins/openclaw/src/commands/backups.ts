// `helm openclaw backups <userId>`: the user's backups, newest first, as a table or JSON; the ids are
// what `helm openclaw restore` and `delete-backup` take.
import type { BackupRecord } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { humanBytes, utcTime } from '../human-units.js';
import type { ManagerClient } from '../manager-client.js';
import { textTable } from '../text-table.js';
import type { CommandIo } from './command-io.js';

export type BackupsCommand = Extract<Command, { kind: 'backups' }>;

const HEADER = ['ID', 'STATE', 'CONSISTENCY', 'CREATED', 'SIZE', 'OFFLINE', 'REASON'] as const;

function cells(r: BackupRecord): string[] {
  // A failed backup's error is what its row is read for, so it goes with the reason.
  const reason = r.state === 'failed' && r.error ? `${r.reason}; failed: ${r.error}` : r.reason;
  return [
    r.id,
    r.state,
    r.consistency,
    utcTime(r.createdAt),
    r.sizeBytes === null ? '-' : humanBytes(r.sizeBytes),
    r.offlineSeconds === null ? '-' : `${r.offlineSeconds} s`,
    reason,
  ];
}

/** The table, in the manager's order (newest first); "no backups of <userId>" when there are none. */
export function backupsTable(userId: string, backups: readonly BackupRecord[]): string {
  return backups.length === 0 ? `no backups of ${userId}` : textTable(HEADER, backups.map(cells));
}

export async function runBackups(command: BackupsCommand, client: Pick<ManagerClient, 'backups'>, io: CommandIo): Promise<number> {
  const answer = await client.backups(command.userId, io.signal);
  if (command.json) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else io.stdout.write(`${backupsTable(command.userId, answer.backups)}\n`);
  return 0;
}

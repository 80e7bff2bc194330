// `helm openclaw backup <userId>`: asks the manager for a backup, which it takes in the background,
// and unless --no-wait follows the record until ready or failed. The record goes to stdout; one line
// on stderr says the backup is under way. Ctrl-C and --timeout stop the following, not the backup.
import type { BackupRecord } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { BackupFailed, WaitTimedOut } from '../errors.js';
import { humanBytes, humanDuration } from '../human-units.js';
import type { ManagerClient } from '../manager-client.js';
import { pause } from '../pause.js';
import type { CommandIo } from './command-io.js';

export type BackupCommand = Extract<Command, { kind: 'backup' }>;

const POLL_MS = 2000;

/** What the instance goes through meanwhile, which is what an operator waiting on it wants to know. */
function underWay(record: BackupRecord): string {
  if (record.consistency === 'online') return `backing up ${record.userId} (online: it keeps running)...`;
  return record.wasRunning ? `backing up ${record.userId} (instance stopped for the copy)...` : `backing up ${record.userId} (it is stopped)...`;
}

/** The record as aligned `field  value` lines; what is not known yet is "-". */
function backupReport(record: BackupRecord): string {
  const fields: [string, string][] = [
    ['backup', `${record.id} of ${record.userId}`],
    ['state', record.state],
    ['size', record.sizeBytes === null ? '-' : humanBytes(record.sizeBytes)],
    ['offline', record.offlineSeconds === null ? '-' : `${record.offlineSeconds} s`],
    ['location', record.location || '-'],
  ];
  return fields.map(([name, value]) => `${name.padEnd(9)} ${value}`).join('\n');
}

async function follow(record: BackupRecord, waitMs: number, client: Pick<ManagerClient, 'backupStatus'>, io: CommandIo, pollMs: number): Promise<BackupRecord> {
  const deadline = io.now() + waitMs;
  let current = record;
  while (current.state === 'pending') {
    const left = deadline - io.now();
    if (left <= 0) {
      throw new WaitTimedOut(
        `backup ${record.id} of ${record.userId} is still pending after ${humanDuration(waitMs)}; it goes on in the manager (helm openclaw backups ${record.userId} shows it)`,
      );
    }
    await pause(Math.min(pollMs, left), io.signal);
    if (io.signal.aborted) {
      io.stderr.write(`Stopped following; the backup goes on in the manager: helm openclaw backups ${record.userId}\n`);
      throw io.signal.reason;
    }
    current = await client.backupStatus(record.userId, record.id, io.signal);
  }
  return current;
}

export async function runBackup(command: BackupCommand, client: Pick<ManagerClient, 'backup' | 'backupStatus'>, io: CommandIo, pollMs = POLL_MS): Promise<number> {
  const { userId, consistency, waitMs } = command;
  const started = await client.backup(userId, { consistency }, io.signal);
  if (waitMs === undefined) {
    io.stdout.write(`${backupReport(started)}\n`);
    io.stderr.write(`The backup goes on in the manager: helm openclaw backups ${userId} shows when it is ready.\n`);
    return 0;
  }
  io.stderr.write(`${underWay(started)}\n`);
  const done = await follow(started, waitMs, client, io, pollMs);
  io.stdout.write(`${backupReport(done)}\n`);
  if (done.state === 'failed') throw new BackupFailed(`backup ${done.id} of ${userId} failed: ${done.error ?? 'the manager gave no reason'}`);
  return 0;
}

// `helm openclaw history <userId>`: the instance's kept revisions, newest first, as a table or JSON;
// the revision numbers are what `helm openclaw rollback --revision` takes.
import type { Command } from '../args.js';
import { utcTime } from '../human-units.js';
import type { InstanceRevision, ManagerClient } from '../manager-client.js';
import { textTable } from '../text-table.js';
import type { CommandIo } from './command-io.js';

export type HistoryCommand = Extract<Command, { kind: 'history' }>;

const HEADER = ['REVISION', 'IMAGE', 'WHEN', 'STATUS', 'CAUSE'] as const;

function cells(r: InstanceRevision): string[] {
  return [String(r.revision), r.imageDigest ? `${r.imageTag}@${r.imageDigest}` : r.imageTag, utcTime(r.at), r.status, r.cause];
}

/** The table, newest first as the manager lists them. */
export function historyTable(revisions: readonly InstanceRevision[]): string {
  return textTable(HEADER, revisions.map(cells));
}

export async function runHistory(command: HistoryCommand, client: Pick<ManagerClient, 'revisions'>, io: CommandIo): Promise<number> {
  const answer = await client.revisions(command.userId, io.signal);
  if (command.json) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else io.stdout.write(`${historyTable(answer.revisions)}\n`);
  return 0;
}

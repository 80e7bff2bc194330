// `helm openclaw history <userId>`: the instance's kept revisions, newest first, as a table or JSON;
// the revision numbers are what `helm openclaw rollback --revision` takes.
import type { Command } from '../args.js';
import type { InstanceRevision, ManagerClient } from '../manager-client.js';
import type { CommandIo } from './command-io.js';

export type HistoryCommand = Extract<Command, { kind: 'history' }>;

const HEADER = ['REVISION', 'IMAGE', 'WHEN', 'STATUS', 'CAUSE'] as const;

/** ISO 8601 to the second, in UTC; as given when it does not parse. @example when('2026-01-02T03:04:05.678Z') // '2026-01-02 03:04:05Z' */
function when(at: string): string {
  const time = Date.parse(at);
  return Number.isNaN(time) ? at : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function cells(r: InstanceRevision): string[] {
  return [String(r.revision), r.imageDigest ? `${r.imageTag}@${r.imageDigest}` : r.imageTag, when(r.at), r.status, r.cause];
}

/** The table: columns as wide as their widest cell, the last one unpadded. */
export function historyTable(revisions: readonly InstanceRevision[]): string {
  const rows = [[...HEADER], ...revisions.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n');
}

export async function runHistory(command: HistoryCommand, client: Pick<ManagerClient, 'revisions'>, io: CommandIo): Promise<number> {
  const answer = await client.revisions(command.userId, io.signal);
  if (command.json) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else io.stdout.write(`${historyTable(answer.revisions)}\n`);
  return 0;
}

// `helm openclaw upgrade-all --image-tag T`: starts the manager's fleet upgrade and follows it,
// printing each instance's result as it comes, then a summary. Exit 0 when no instance failed.
// Ctrl-C stops following only: the upgrade goes on in the manager (its status URL is printed).
import type { FleetUpgradeRun } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { FleetUpgradeFailed } from '../errors.js';
import type { ManagerClient } from '../manager-client.js';
import type { CommandIo } from './command-io.js';

export type UpgradeAllCommand = Extract<Command, { kind: 'upgrade-all' }>;

const FINAL = new Set(['upgraded', 'failed', 'skipped']);
export const POLL_MS = 2000;

/** One result line: user, status, message, aligned. */
export function resultLine(r: { readonly userId: string; readonly status: string; readonly message: string }): string {
  return `${r.userId.padEnd(40)} ${r.status.padEnd(9)} ${r.message}`;
}

export function summaryLine(run: FleetUpgradeRun): string {
  const { upgraded = 0, failed = 0, skipped = 0 } = run.counts;
  return `fleet upgrade ${run.id} ${run.state}: ${run.results.length} instance(s) to ${run.imageTag}: ${upgraded} upgraded, ${failed} failed, ${skipped} skipped`;
}

export async function runUpgradeAll(command: UpgradeAllCommand, client: Pick<ManagerClient, 'fleetUpgrade' | 'fleetUpgradeStatus'>, io: CommandIo, pollMs = POLL_MS): Promise<number> {
  const { imageTag, maxUnavailable, userIds, timeoutSeconds } = command;
  let run = await client.fleetUpgrade({ imageTag, maxUnavailable, ...(userIds ? { userIds } : {}), ...(timeoutSeconds ? { timeoutSeconds } : {}) }, io.signal);
  io.stdout.write(`fleet upgrade ${run.id}: ${run.results.length} instance(s) to ${imageTag}, ${maxUnavailable} at a time\n`);
  const printed = new Set<string>();
  try {
    for (;;) {
      for (const result of run.results) {
        if (!FINAL.has(result.status) || printed.has(result.userId)) continue;
        printed.add(result.userId);
        io.stdout.write(`${resultLine(result)}\n`);
      }
      if (run.state !== 'running') break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        io.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      if (io.signal.aborted) throw io.signal.reason;
      run = await client.fleetUpgradeStatus(run.id, io.signal);
    }
  } catch (err) {
    if (io.signal.aborted) io.stderr.write(`Stopped following; the upgrade goes on in the manager: GET /api/fleet/upgrade/${run.id}\n`);
    throw err;
  }
  io.stdout.write(`${summaryLine(run)}\n`);
  if (run.state === 'failed') throw new FleetUpgradeFailed(`fleet upgrade to ${imageTag} stopped: ${run.results.filter((r) => r.status === 'failed').map((r) => r.userId).join(', ')} failed`);
  return 0;
}

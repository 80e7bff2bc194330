// `helm openclaw upgrade-all --image-tag T`: starts the manager's fleet upgrade and follows it,
// printing each instance's result as it comes (canaries also when they start soaking or rolling
// back), then a summary. Exit 0 when no instance failed or was rolled back. Ctrl-C stops following
// only: the upgrade goes on in the manager (its status URL is printed).
import type { FleetInstanceStatus, FleetUpgradeRun } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { FleetUpgradeFailed } from '../errors.js';
import type { ManagerClient } from '../manager-client.js';
import { pause } from '../pause.js';
import type { CommandIo } from './command-io.js';

export type UpgradeAllCommand = Extract<Command, { kind: 'upgrade-all' }>;

/** The statuses worth a line: where an instance ended, and a canary's watch and rollback. */
const SHOWN: ReadonlySet<FleetInstanceStatus> = new Set(['upgraded', 'rolledBack', 'failed', 'skipped', 'soaking', 'rollingBack']);
export const POLL_MS = 2000;

/** One result line: user, status, message, aligned. */
export function resultLine(r: { readonly userId: string; readonly status: string; readonly message: string }): string {
  return `${r.userId.padEnd(40)} ${r.status.padEnd(11)} ${r.message}`;
}

export function summaryLine(run: FleetUpgradeRun): string {
  // A manager from before rollbacks leaves rolledBack out of the counts.
  const { upgraded = 0, rolledBack = 0, failed = 0, skipped = 0 } = run.counts;
  return `fleet upgrade ${run.id} ${run.state}: ${run.results.length} instance(s) to ${run.imageTag}: ${upgraded} upgraded, ${rolledBack} rolled back, ${failed} failed, ${skipped} skipped`;
}

function startLine(run: FleetUpgradeRun): string {
  const canary = run.canary ? `; canaries ${run.canary.userIds.join(', ')} first, watched for ${run.canary.soakSeconds}s` : '';
  const rollback = run.autoRollback === false ? '; no automatic rollback' : '';
  return `fleet upgrade ${run.id}: ${run.results.length} instance(s) to ${run.imageTag}, ${run.maxUnavailable} at a time${canary}${rollback}`;
}

/** Why a failed run failed, naming its instances. */
function failureOf(run: FleetUpgradeRun): string {
  const named = (status: FleetInstanceStatus): string => run.results.filter((r) => r.status === status).map((r) => r.userId).join(', ');
  const failed = named('failed');
  const rolledBack = named('rolledBack');
  const parts = [...(failed ? [`${failed} failed`] : []), ...(rolledBack ? [`${rolledBack} rolled back to the previous revision`] : [])];
  if (parts.length === 0) return `fleet upgrade to ${run.imageTag} failed in the manager (GET /api/fleet/upgrade/${run.id} and its log say more)`;
  return `fleet upgrade to ${run.imageTag} stopped: ${parts.join('; ')}`;
}

export async function runUpgradeAll(command: UpgradeAllCommand, client: Pick<ManagerClient, 'fleetUpgrade' | 'fleetUpgradeStatus'>, io: CommandIo, pollMs = POLL_MS): Promise<number> {
  const { imageTag, maxUnavailable, userIds, timeoutSeconds, canary, autoRollback } = command;
  let run = await client.fleetUpgrade({
    imageTag, maxUnavailable, ...(userIds ? { userIds } : {}), ...(timeoutSeconds ? { timeoutSeconds } : {}), ...(canary ? { canary } : {}), autoRollback,
  }, io.signal);
  io.stdout.write(`${startLine(run)}\n`);
  // The status last printed per instance: a canary's line comes again when it soaks, passes or rolls back.
  const printed = new Map<string, FleetInstanceStatus>();
  try {
    for (;;) {
      for (const result of run.results) {
        if (!SHOWN.has(result.status) || printed.get(result.userId) === result.status) continue;
        printed.set(result.userId, result.status);
        io.stdout.write(`${resultLine(result)}\n`);
      }
      if (run.state !== 'running') break;
      await pause(pollMs, io.signal);
      if (io.signal.aborted) throw io.signal.reason;
      run = await client.fleetUpgradeStatus(run.id, io.signal);
    }
  } catch (err) {
    if (io.signal.aborted) io.stderr.write(`Stopped following; the upgrade goes on in the manager: GET /api/fleet/upgrade/${run.id}\n`);
    throw err;
  }
  io.stdout.write(`${summaryLine(run)}\n`);
  if (run.state === 'failed') throw new FleetUpgradeFailed(failureOf(run));
  // The manager stopped (shut down) before every instance was tried: not a finished upgrade.
  if (run.state === 'cancelled') throw new FleetUpgradeFailed(`fleet upgrade to ${run.imageTag} was cancelled by a manager shutdown; run it again to finish (instances already on ${run.imageTag} are skipped)`);
  return 0;
}

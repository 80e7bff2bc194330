// Pure but for the work it is given: rolls a list of instances through `upgradeOne`, at most
// `maxUnavailable` at a time, in order. The first failure (thrown, or an instance rolled back)
// stops the roll: nothing new starts after it, the ones already under way finish, and every
// instance not attempted is reported "skipped". upgradeOne resolves only once its instance is
// ready again, so "in flight" is "unavailable".
import type { FleetInstanceResult, FleetStatus } from '../contracts/fleet-run.js';

export interface FleetResult extends FleetInstanceResult {
  readonly status: FleetStatus;
}

/** What one upgrade reports when it did not throw (throwing is a failure). */
export interface FleetOutcome {
  readonly status: 'upgraded' | 'skipped' | 'rolledBack';
  readonly message: string;
  readonly previousRevision?: number;
}

export interface FleetSchedule {
  /** In the order they are to be upgraded. */
  readonly userIds: readonly string[];
  /** Upgrades in flight at once (>= 1). */
  readonly maxUnavailable: number;
  readonly upgradeOne: (userId: string) => Promise<FleetOutcome>;
  /** The message of a failure (default: the error's message). */
  readonly describeFailure?: (err: unknown) => string;
  readonly onStart?: (userId: string) => void;
  readonly onResult?: (result: FleetResult) => void;
  /** Once aborted nothing new starts (the manager is shutting down). */
  readonly signal?: AbortSignal;
}

const defaultDescribe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs the schedule; resolves with one result per user id, in the given order.
 * @example await runFleetUpgrade({ userIds: ['a', 'b'], maxUnavailable: 1, upgradeOne: async () => ({ status: 'upgraded', message: 'ok' }) })
 */
export async function runFleetUpgrade(schedule: FleetSchedule): Promise<FleetResult[]> {
  const { userIds } = schedule;
  const describe = schedule.describeFailure ?? defaultDescribe;
  const results = new Map<string, FleetResult>();
  let next = 0;
  let stoppedBy: FleetResult | undefined;

  const stopped = (): boolean => stoppedBy !== undefined || schedule.signal?.aborted === true;
  const worker = async (): Promise<void> => {
    while (!stopped() && next < userIds.length) {
      const userId = userIds[next] as string;
      next += 1;
      schedule.onStart?.(userId);
      let result: FleetResult;
      try {
        result = { userId, ...(await schedule.upgradeOne(userId)) };
      } catch (err) {
        result = { userId, status: 'failed', message: describe(err) };
      }
      if (result.status === 'failed' || result.status === 'rolledBack') stoppedBy ??= result;
      results.set(userId, result);
      schedule.onResult?.(result);
    }
  };

  const workers = Math.max(1, Math.min(Math.floor(schedule.maxUnavailable), userIds.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  const notAttempted = stoppedBy !== undefined
    ? `not attempted: the upgrade stopped after ${stoppedBy.userId} ${stoppedBy.status === 'rolledBack' ? 'was rolled back' : 'failed'}`
    : 'not attempted: the upgrade was cancelled';
  return userIds.map((userId) => results.get(userId) ?? { userId, status: 'skipped', message: notAttempted });
}

// Stop, start, upgrade, rollback and delete of one instance, the same whoever asks (a route, the idle
// stop, a fleet upgrade): the runtime does the work, the pooled gateway connection of an instance
// whose gateway went away is dropped so the next call connects afresh, and a deleted user's activity
// is forgotten. An upgrade that does not become ready is rolled back here, so every caller gets it.
import type { ActivityTracker } from '../activity/activity-tracker.js';
import { publicMessage } from '../errors/http-error.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import type {
  DeleteOptions, DeleteResult, Instance, InstanceRevision, InstanceRuntime, UpgradeOptions,
} from '../runtime/instance-runtime.js';
import { InstanceRolledBack, NothingToRollBackTo, RollbackFailed } from './rollback-errors.js';
import { previousImageRevision } from './rollback-target.js';

export interface LifecycleUpgradeOptions extends UpgradeOptions {
  /** Roll back to the revision it ran before when the new one does not become ready. */
  readonly rollBack: boolean;
}

export interface UpgradeResult {
  readonly instance: Instance;
  /** The revision it ran before (read only when rollBack was asked for). */
  readonly previous: InstanceRevision | undefined;
}

export class InstanceLifecycle {
  constructor(
    private readonly runtime: InstanceRuntime,
    private readonly rpc: Pick<InstanceRpc, 'disconnect' | 'forget'>,
    /** The screen's activity (the RPC activity is the rpc's own). */
    private readonly vncActivity: Pick<ActivityTracker, 'forget'>,
  ) {}

  /** Scales to zero keeping data, secrets and token; idempotent. */
  async stop(userId: string): Promise<Instance> {
    const instance = await this.runtime.stopInstance(userId);
    await this.rpc.disconnect(userId);
    return instance;
  }

  /** Runs a stopped instance again; idempotent. */
  start(userId: string): Promise<Instance> {
    return this.runtime.startInstance(userId);
  }

  /**
   * Rolls to `imageTag` and waits for the new version (see InstanceRuntime.upgrade). When it fails
   * and `rollBack`, the revision it ran before comes back and InstanceRolledBack says why;
   * RollbackFailed when that fails too.
   */
  async upgrade(userId: string, imageTag: string, options: LifecycleUpgradeOptions): Promise<UpgradeResult> {
    const before = options.rollBack ? (await this.runtime.revisions(userId, 1))[0] : undefined;
    try {
      return { instance: await this.runtime.upgrade(userId, imageTag, options), previous: before };
    } catch (err) {
      if (!before) throw err;
      const why = publicMessage(err);
      let now: InstanceRevision | undefined;
      try {
        now = (await this.runtime.revisions(userId, 1))[0];
      } catch (readErr) {
        throw new RollbackFailed(userId, why, before, publicMessage(readErr), { cause: readErr });
      }
      // Refused before any change (e.g. values the chart's schema rejects): nothing to undo.
      if (!now || now.revision === before.revision) throw err;
      try {
        await this.runtime.rollback(userId, before.revision, { timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      } catch (rollbackErr) {
        throw new RollbackFailed(userId, why, before, publicMessage(rollbackErr), { cause: rollbackErr });
      }
      throw new InstanceRolledBack(userId, imageTag, why, before);
    } finally {
      await this.rpc.disconnect(userId);
    }
  }

  /** Brings back `revision`, or by default the last revision that ran another image, and waits for it. */
  async rollback(userId: string, revision: number | undefined, options: UpgradeOptions): Promise<Instance> {
    let target = revision;
    if (target === undefined) {
      const revisions = await this.runtime.revisions(userId);
      const previous = previousImageRevision(revisions);
      if (!previous) throw new NothingToRollBackTo(userId, revisions[0]?.imageTag ?? '');
      target = previous.revision;
    }
    try {
      return await this.runtime.rollback(userId, target, options);
    } finally {
      await this.rpc.disconnect(userId);
    }
  }

  /** The kept revisions, newest first. */
  revisions(userId: string): Promise<InstanceRevision[]> {
    return this.runtime.revisions(userId);
  }

  /** Uninstalls the instance; its data volume is kept unless `purge`. */
  async delete(userId: string, options: DeleteOptions): Promise<DeleteResult> {
    const result = await this.runtime.delete(userId, options);
    await this.rpc.forget(userId);
    this.vncActivity.forget(userId);
    return result;
  }
}

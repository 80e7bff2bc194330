// Stop, start, upgrade and delete of one instance, the same whoever asks (a route, the idle stop, a
// fleet upgrade): the runtime does the work, the pooled gateway connection of an instance whose
// gateway went away is dropped so the next call connects afresh, and a deleted user's activity is
// forgotten.
import type { ActivityTracker } from '../activity/activity-tracker.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import type { DeleteOptions, DeleteResult, Instance, InstanceRuntime, UpgradeOptions } from '../runtime/instance-runtime.js';

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

  /** Rolls to `imageTag` and waits for the new version (see InstanceRuntime.upgrade). */
  async upgrade(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance> {
    try {
      return await this.runtime.upgrade(userId, imageTag, options);
    } finally {
      await this.rpc.disconnect(userId);
    }
  }

  /** Uninstalls the instance; its data volume is kept unless `purge`. */
  async delete(userId: string, options: DeleteOptions): Promise<DeleteResult> {
    const result = await this.runtime.delete(userId, options);
    await this.rpc.forget(userId);
    this.vncActivity.forget(userId);
    return result;
  }
}

// Fleet upgrades as the API runs them: one at a time, in the background, each followed through a
// status object (GET /api/fleet/upgrade/:id) that shows every instance's result as it comes. Runs
// live in this process's memory (the last few are kept); the image tags they set live with the
// instances, so after a manager restart the same request again skips what is already done.
import { randomBytes } from 'node:crypto';
import type { FleetInstanceResult, FleetInstanceStatus, FleetRunState, FleetUpgradeRun } from '../contracts/fleet-run.js';
import { HttpError, InvalidRequest } from '../errors/http-error.js';
import type { Logger } from '../logger.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { InstanceNotFound } from '../runtime/runtime-errors.js';
import type { FleetUpgradeRequest } from '../validation/api-types.js';
import { FleetUpgradeInProgress, FleetUpgradeNotFound } from './fleet-errors.js';
import { runFleetUpgrade, type FleetOutcome, type FleetResult } from './fleet-scheduler.js';
import type { InstanceLifecycle } from './instance-lifecycle.js';

export interface FleetUpgradesOptions {
  readonly runtime: Pick<InstanceRuntime, 'get' | 'list'>;
  readonly lifecycle: Pick<InstanceLifecycle, 'upgrade'>;
  readonly logger: Logger;
  /** Finished runs kept for GET (default 10). */
  readonly keep?: number;
}

interface Run {
  readonly id: string;
  readonly request: FleetUpgradeRequest;
  readonly startedAt: Date;
  finishedAt?: Date;
  state: FleetRunState;
  readonly results: Map<string, FleetInstanceResult>;
  done?: Promise<void>;
}

const STATUSES: readonly FleetInstanceStatus[] = ['pending', 'upgrading', 'upgraded', 'failed', 'skipped'];

/** A failure as shown in results: the error's own words when they may be shown, never internals. */
export function failureMessage(err: unknown): string {
  if (err instanceof HttpError && err.expose) return err.message;
  return 'internal error (details are in the manager log)';
}

export class FleetUpgrades {
  private readonly runs = new Map<string, Run>();
  private readonly abort = new AbortController();

  constructor(private readonly options: FleetUpgradesOptions) {}

  /** Validates the targets and starts the run; its status at once (the first ones already upgrading). */
  async begin(request: FleetUpgradeRequest): Promise<FleetUpgradeRun> {
    const running = [...this.runs.values()].find((r) => r.state === 'running');
    if (running) throw new FleetUpgradeInProgress(running.id);
    const userIds = await this.targets(request.userIds);
    // Checked again: another begin may have started while the targets were read.
    const raced = [...this.runs.values()].find((r) => r.state === 'running');
    if (raced) throw new FleetUpgradeInProgress(raced.id);
    const run: Run = {
      id: randomBytes(6).toString('hex'),
      request,
      startedAt: new Date(),
      state: 'running',
      results: new Map(userIds.map((userId) => [userId, { userId, status: 'pending', message: 'waiting for its turn' }])),
    };
    this.runs.set(run.id, run);
    this.prune();
    run.done = this.execute(run, userIds);
    return this.view(run);
  }

  get(id: string): FleetUpgradeRun {
    const run = this.runs.get(id);
    if (!run) throw new FleetUpgradeNotFound(id);
    return this.view(run);
  }

  /** Resolves with the run's final status once it is over. */
  async finished(id: string): Promise<FleetUpgradeRun> {
    const run = this.runs.get(id);
    if (!run) throw new FleetUpgradeNotFound(id);
    await run.done;
    return this.view(run);
  }

  /** Shutting down: no new instance is started; those under way finish (or die with the process). */
  close(): void {
    this.abort.abort();
  }

  private async targets(requested: readonly string[] | undefined): Promise<string[]> {
    if (requested === undefined) {
      const all = await this.options.runtime.list();
      return all.filter((i) => i.phase !== 'Deleting').map((i) => i.userId).sort();
    }
    const unknown: { readonly index: number; readonly userId: string }[] = [];
    for (const [index, userId] of requested.entries()) {
      await this.options.runtime.get(userId).catch((err: unknown) => {
        if (!(err instanceof InstanceNotFound)) throw err;
        unknown.push({ index, userId });
      });
    }
    if (unknown.length > 0) {
      throw new InvalidRequest(
        `userIds: no such instance: ${unknown.map((u) => u.userId).join(', ')}`,
        unknown.map(({ index, userId }) => ({ field: `userIds.${index}`, message: `no such instance: ${userId}` })),
      );
    }
    return [...requested];
  }

  private async execute(run: Run, userIds: readonly string[]): Promise<void> {
    const { imageTag, maxUnavailable, timeoutSeconds } = run.request;
    const log = this.options.logger.child({ fleetUpgrade: run.id, imageTag });
    log.info({ instances: userIds.length, maxUnavailable }, 'fleet upgrade started');
    const upgradeOne = async (userId: string): Promise<FleetOutcome> => {
      const before = await this.options.runtime.get(userId);
      if (before.imageTag === imageTag && (before.ready || before.phase === 'Stopped')) {
        return { status: 'skipped', message: `already on ${imageTag}` };
      }
      const after = await this.options.lifecycle.upgrade(userId, imageTag, { timeoutMs: timeoutSeconds * 1000 });
      return after.phase === 'Stopped'
        ? { status: 'upgraded', message: `stopped; runs ${imageTag} at its next start` }
        : { status: 'upgraded', message: `running ${imageTag}` };
    };
    let attempted = 0;
    const record = (result: FleetResult): void => {
      attempted += 1;
      run.results.set(result.userId, result);
      const level = result.status === 'failed' ? 'warn' : 'info';
      log[level]({ userId: result.userId, status: result.status, message: result.message }, 'fleet upgrade: instance done');
    };
    try {
      const results = await runFleetUpgrade({
        userIds,
        maxUnavailable,
        upgradeOne,
        describeFailure: failureMessage,
        signal: this.abort.signal,
        onStart: (userId) => run.results.set(userId, { userId, status: 'upgrading', message: `rolling to ${imageTag}` }),
        onResult: record,
      });
      for (const result of results) run.results.set(result.userId, result);
      const failed = results.some((r) => r.status === 'failed');
      run.state = failed ? 'failed' : attempted < userIds.length ? 'cancelled' : 'succeeded';
    } catch (err) {
      log.error({ err }, 'fleet upgrade crashed');
      run.state = 'failed';
    }
    run.finishedAt = new Date();
    log.info({ state: run.state, ...this.view(run).counts }, 'fleet upgrade finished');
  }

  private view(run: Run): FleetUpgradeRun {
    const results = [...run.results.values()];
    const counts = Object.fromEntries(STATUSES.map((s) => [s, results.filter((r) => r.status === s).length])) as Record<FleetInstanceStatus, number>;
    return {
      id: run.id,
      state: run.state,
      imageTag: run.request.imageTag,
      maxUnavailable: run.request.maxUnavailable,
      timeoutSeconds: run.request.timeoutSeconds,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      counts,
      results,
    };
  }

  private prune(): void {
    const finished = [...this.runs.values()].filter((r) => r.state !== 'running');
    for (const run of finished.slice(0, Math.max(0, finished.length - (this.options.keep ?? 10)))) this.runs.delete(run.id);
  }
}

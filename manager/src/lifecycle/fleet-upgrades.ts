// Fleet upgrades as the API runs them: one at a time, in the background, each followed through a
// status object (GET /api/fleet/upgrade/:id) that shows every instance's result as it comes. A run
// may start with canaries, which are upgraded, then watched for a soak period; a canary that fails
// brings every canary back to its old revision and stops the run. Runs live in this process's memory
// (the last few are kept); the image tags they set live with the instances, so after a manager
// restart the same request again skips what is already done.
import { randomBytes } from 'node:crypto';
import {
  FLEET_INSTANCE_STATUSES, type FleetInstanceResult, type FleetInstanceStatus, type FleetRunState, type FleetUpgradeRun,
} from '../contracts/fleet-run.js';
import { InvalidRequest, publicMessage, type FieldProblem } from '../errors/http-error.js';
import type { Logger } from '../logger.js';
import type { Instance, InstanceRuntime } from '../runtime/instance-runtime.js';
import { InstanceNotFound } from '../runtime/runtime-errors.js';
import type { FleetUpgradeRequest } from '../validation/api-types.js';
import { soakCanaries, type CanaryProbe } from './canary-soak.js';
import { FleetUpgradeInProgress, FleetUpgradeNotFound } from './fleet-errors.js';
import { runFleetUpgrade, type FleetOutcome, type FleetResult } from './fleet-scheduler.js';
import type { InstanceLifecycle } from './instance-lifecycle.js';
import { InstanceRolledBack } from './rollback-errors.js';

export interface FleetUpgradesOptions {
  readonly runtime: Pick<InstanceRuntime, 'get' | 'list'>;
  readonly lifecycle: Pick<InstanceLifecycle, 'upgrade' | 'rollback'>;
  /** Asks an instance's gateway whether it is healthy (its health RPC); throws when it is not. */
  readonly health: CanaryProbe['health'];
  readonly logger: Logger;
  /** Finished runs kept for GET (default 10). */
  readonly keep?: number;
  /** How often canaries are checked while they soak (default 5 s). */
  readonly soakCheckMs?: number;
  /** How long a ready canary may take to answer its first health RPC (default 60 s). */
  readonly firstAnswerMs?: number;
}

interface Run {
  readonly id: string;
  readonly request: FleetUpgradeRequest;
  readonly canaries: readonly string[];
  readonly startedAt: Date;
  finishedAt?: Date;
  state: FleetRunState;
  readonly results: Map<string, FleetInstanceResult>;
  /** Instances whose upgrade was tried (the others are pending or skipped without a try). */
  attempted: number;
  done?: Promise<void>;
}

export class FleetUpgrades {
  private readonly runs = new Map<string, Run>();
  private readonly abort = new AbortController();

  constructor(private readonly options: FleetUpgradesOptions) {}

  /** Validates the targets and starts the run; its status at once (the first ones already upgrading). */
  async begin(request: FleetUpgradeRequest): Promise<FleetUpgradeRun> {
    const running = [...this.runs.values()].find((r) => r.state === 'running');
    if (running) throw new FleetUpgradeInProgress(running.id);
    const targets = await this.targets(request.userIds);
    const canaries = await this.canaries(request, targets);
    const userIds = [...canaries, ...targets.filter((u) => !canaries.includes(u))];
    // Checked again: another begin may have started while the targets were read.
    const raced = [...this.runs.values()].find((r) => r.state === 'running');
    if (raced) throw new FleetUpgradeInProgress(raced.id);
    const run: Run = {
      id: randomBytes(6).toString('hex'),
      request,
      canaries,
      startedAt: new Date(),
      state: 'running',
      attempted: 0,
      results: new Map(userIds.map((userId) => [userId, {
        userId, status: 'pending', message: canaries.includes(userId) ? 'canary: waiting for its turn' : 'waiting for its turn',
      }])),
    };
    this.runs.set(run.id, run);
    this.prune();
    run.done = this.execute(run, userIds.filter((u) => !canaries.includes(u)));
    return this.view(run);
  }

  /** The runs kept (the one running, if any, and the last finished ones), newest first. */
  list(): FleetUpgradeRun[] {
    return [...this.runs.values()].reverse().map((run) => this.view(run));
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

  /** The canaries, in order: the listed ones (each a target), or the first `count` running targets. */
  private async canaries(request: FleetUpgradeRequest, targets: readonly string[]): Promise<string[]> {
    const canary = request.canary;
    if (!canary) return [];
    if (canary.userIds) {
      const problems: FieldProblem[] = canary.userIds.flatMap((userId, index) => (targets.includes(userId)
        ? []
        : [{ field: `canary.userIds.${index}`, message: `${userId} is not among the instances to upgrade` }]));
      if (problems.length > 0) throw new InvalidRequest(`canary.userIds: ${problems.map((p) => p.message).join('; ')}`, problems);
      return [...canary.userIds];
    }
    const count = canary.count ?? 1;
    const byUser = new Map((await this.options.runtime.list()).map((i): [string, Instance] => [i.userId, i]));
    const runningTargets = targets.filter((u) => byUser.get(u)?.ready === true);
    if (runningTargets.length < count) {
      throw new InvalidRequest(
        `canary.count: only ${runningTargets.length} of the ${targets.length} instances to upgrade are running; a canary must be running to be watched`,
        [{ field: 'canary.count', message: `at most ${runningTargets.length}` }],
      );
    }
    return runningTargets.slice(0, count);
  }

  private async execute(run: Run, rest: readonly string[]): Promise<void> {
    const { imageTag, maxUnavailable } = run.request;
    const log = this.options.logger.child({ fleetUpgrade: run.id, imageTag });
    log.info({ instances: run.results.size, canaries: run.canaries.length, maxUnavailable }, 'fleet upgrade started');
    try {
      const canaryOk = run.canaries.length === 0 || await this.canaryStage(run, log);
      if (canaryOk && !this.abort.signal.aborted) await this.roll(run, rest, log);
      if (run.state === 'running') {
        const failed = [...run.results.values()].some((r) => r.status === 'failed' || r.status === 'rolledBack');
        run.state = failed ? 'failed' : run.attempted < run.results.size ? 'cancelled' : 'succeeded';
      }
    } catch (err) {
      log.error({ err }, 'fleet upgrade crashed');
      run.state = 'failed';
    }
    run.finishedAt = new Date();
    log.info({ state: run.state, ...this.view(run).counts }, 'fleet upgrade finished');
  }

  /** Upgrades the canaries and soaks them; false (every canary rolled back, the rest skipped) when one fails. */
  private async canaryStage(run: Run, log: Logger): Promise<boolean> {
    const soakSeconds = run.request.canary?.soakSeconds ?? 0;
    const results = await this.roll(run, run.canaries, log);
    let failure = results.find((r) => r.status === 'failed' || r.status === 'rolledBack');
    if (!failure) {
      // Stopped canaries only took the tag: there is nothing of them to watch.
      const watched = results.filter((r) => r.status !== 'skipped' && !r.message.startsWith('stopped')).map((r) => this.result(run, r.userId));
      for (const result of watched) this.set(run, { ...result, status: 'soaking', message: `canary: watched for ${soakSeconds} s` });
      const sick = await soakCanaries({
        userIds: watched.map((r) => r.userId),
        soakMs: soakSeconds * 1000,
        checkEveryMs: this.options.soakCheckMs ?? 5000,
        firstAnswerMs: this.options.firstAnswerMs ?? 60_000,
        runtime: this.options.runtime,
        health: this.options.health,
        signal: this.abort.signal,
      });
      const verdict = this.abort.signal.aborted ? 'soak cut short by a manager shutdown' : `healthy for ${soakSeconds} s on ${run.request.imageTag}`;
      for (const result of watched) this.set(run, { ...result, message: `canary: ${verdict}` });
      if (this.abort.signal.aborted) return false;
      if (sick) {
        log.warn({ userId: sick.userId, reason: sick.reason }, 'fleet upgrade: canary unhealthy while soaking');
        failure = { userId: sick.userId, status: 'failed', message: `unhealthy while soaking: ${sick.reason}` };
      }
    }
    if (!failure) return true;
    await this.rollBackCanaries(run, failure, log);
    return false;
  }

  /**
   * A canary failed: every canary this run upgraded goes back to the revision it ran before (without
   * autoRollback they stay, the one that failed marked so).
   */
  private async rollBackCanaries(run: Run, failure: FleetResult, log: Logger): Promise<void> {
    const why = `canary ${failure.userId}: ${failure.message}`;
    for (const userId of run.canaries) {
      const result = this.result(run, userId);
      if (result.status !== 'upgraded') continue;
      if (!run.request.autoRollback || result.previousRevision === undefined) {
        if (userId === failure.userId) this.set(run, { ...result, status: 'failed', message: failure.message });
        continue;
      }
      this.set(run, { ...result, status: 'rollingBack', message: `rolling back: ${why}` });
      try {
        const instance = await this.options.lifecycle.rollback(userId, result.previousRevision, { timeoutMs: run.request.timeoutSeconds * 1000, signal: this.abort.signal });
        this.set(run, { ...result, status: 'rolledBack', message: `rolled back to revision ${result.previousRevision} (${instance.imageTag}): ${why}` });
      } catch (err) {
        log.error({ err, userId }, 'fleet upgrade: canary rollback failed');
        this.set(run, { ...result, status: 'failed', message: `rolling back to revision ${result.previousRevision} failed: ${publicMessage(err)}` });
      }
    }
    for (const result of run.results.values()) {
      if (result.status === 'pending') this.set(run, { ...result, status: 'skipped', message: `not attempted: ${why}` });
    }
    run.state = 'failed';
  }

  /** Rolls `userIds` maxUnavailable at a time, recording each result as it comes. */
  private async roll(run: Run, userIds: readonly string[], log: Logger): Promise<FleetResult[]> {
    const { imageTag, timeoutSeconds, autoRollback, maxUnavailable } = run.request;
    const upgradeOne = async (userId: string): Promise<FleetOutcome> => {
      const before = await this.options.runtime.get(userId);
      if (before.imageTag === imageTag && (before.ready || before.phase === 'Stopped')) {
        return { status: 'skipped', message: `already on ${imageTag}` };
      }
      try {
        const { instance, previous } = await this.options.lifecycle.upgrade(userId, imageTag, {
          timeoutMs: timeoutSeconds * 1000, rollBack: autoRollback, cause: `fleet run ${run.id}: upgrade to ${imageTag}`, signal: this.abort.signal,
        });
        const revision = previous ? { previousRevision: previous.revision } : {};
        return instance.phase === 'Stopped'
          ? { status: 'upgraded', message: `stopped; runs ${imageTag} at its next start`, ...revision }
          : { status: 'upgraded', message: `running ${imageTag}`, ...revision };
      } catch (err) {
        if (!(err instanceof InstanceRolledBack)) throw err;
        return { status: 'rolledBack', message: err.message, previousRevision: err.restored.revision };
      }
    };
    const results = await runFleetUpgrade({
      userIds,
      maxUnavailable,
      upgradeOne,
      describeFailure: publicMessage,
      signal: this.abort.signal,
      onStart: (userId) => this.set(run, { userId, status: 'upgrading', message: `rolling to ${imageTag}` }),
      onResult: (result) => {
        run.attempted += 1;
        this.set(run, result);
        const level = result.status === 'failed' || result.status === 'rolledBack' ? 'warn' : 'info';
        log[level]({ userId: result.userId, status: result.status, message: result.message }, 'fleet upgrade: instance done');
      },
    });
    for (const result of results) this.set(run, result);
    return results;
  }

  private result(run: Run, userId: string): FleetInstanceResult {
    return run.results.get(userId) ?? { userId, status: 'pending', message: '' };
  }

  private set(run: Run, result: FleetInstanceResult): void {
    run.results.set(result.userId, result);
  }

  private view(run: Run): FleetUpgradeRun {
    const results = [...run.results.values()];
    const counts = Object.fromEntries(FLEET_INSTANCE_STATUSES.map((s) => [s, results.filter((r) => r.status === s).length])) as Record<FleetInstanceStatus, number>;
    return {
      id: run.id,
      state: run.state,
      imageTag: run.request.imageTag,
      maxUnavailable: run.request.maxUnavailable,
      timeoutSeconds: run.request.timeoutSeconds,
      autoRollback: run.request.autoRollback,
      canary: run.request.canary ? { userIds: run.canaries, soakSeconds: run.request.canary.soakSeconds } : null,
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

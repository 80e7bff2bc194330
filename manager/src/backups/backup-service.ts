// Backups of one user's data, restores from them and clones of them, the same on every runtime: the
// runtime's BackupStore copies and keeps; this decides when. A backup is taken in the background
// (the API answers with its pending record) with the instance stopped for a consistent copy unless
// an online copy is asked for, and the instance runs again afterwards if it ran before. A restore
// first takes a safety backup, so a restore that fails puts the data back as it was. Everything
// this does is written to the store's records before it happens, so a manager that dies half-way is
// settled by the next one: the instance started again and the unfinished copy removed. A cluster
// that stops answering for a while (its API server restarted) is waited for, step by step.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackupConsistency, BackupRecord } from '../contracts/backup.js';
import { HttpError, publicMessage } from '../errors/http-error.js';
import type { InstanceLifecycle } from '../lifecycle/instance-lifecycle.js';
import type { Logger } from '../logger.js';
import type { BackupStore, RestoreIntent } from '../runtime/backup-store.js';
import type { Instance, InstanceRuntime } from '../runtime/instance-runtime.js';
import { BackupFailed, InstanceNotFound, RuntimeUnavailable } from '../runtime/runtime-errors.js';
import { BackupInProgress, BackupNotFound, BackupNotReady, RestoreFailed, RestoreUndoFailed } from './backup-errors.js';
import { backupsToPrune } from './backup-retention.js';

export interface BackupServiceOptions {
  readonly runtime: Pick<InstanceRuntime, 'get' | 'progress'>;
  readonly store: BackupStore;
  readonly lifecycle: Pick<InstanceLifecycle, 'stop' | 'start'>;
  readonly logger: Logger;
  /** Ready backups kept per user; older ones are deleted once a new one is ready (the newest is never). */
  readonly keep: number;
  /** The largest archive an import reads. */
  readonly importMaxBytes: number;
  /** How long an instance started again after a backup or restore may take to become ready (default 10 min). */
  readonly readyTimeoutMs?: number;
  /**
   * How long a step of a backup or restore waits for a cluster that does not answer before it counts
   * as failed (default 10 min); steps are retried every `unreachableRetryMs` (default 2 s) meanwhile.
   */
  readonly unreachableMs?: number;
  readonly unreachableRetryMs?: number;
}

export interface BackupRequest {
  readonly consistency: BackupConsistency;
}

const DEFAULT_READY_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_UNREACHABLE_MS = 10 * 60_000;
const INTERRUPTED = 'interrupted: the manager stopped while the backup was taken';

export class BackupService {
  /** What runs for a user right now ("a backup", "a restore"): one at a time per user. */
  private readonly busy = new Map<string, string>();
  /** Backups being taken in this process, for callers that wait for one (tests, shutdown). */
  private readonly running = new Map<string, Promise<BackupRecord>>();

  constructor(private readonly options: BackupServiceOptions) {}

  /** Starts a backup of `userId` and answers with its pending record; InstanceNotFound when there is no instance. */
  async take(userId: string, request: BackupRequest): Promise<BackupRecord> {
    const instance = await this.options.runtime.get(userId);
    const release = this.claim(userId, 'a backup');
    try {
      const record = await this.begin(instance, request.consistency, 'requested');
      const done = this.copy(instance, record).finally(() => {
        release();
        this.running.delete(record.id);
      });
      this.running.set(record.id, done);
      return record;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Resolves with the backup's final record once it is no longer pending (at once when it is not running here). */
  async settled(userId: string, id: string): Promise<BackupRecord> {
    return (await this.running.get(id)) ?? this.get(userId, id);
  }

  list(userId: string): Promise<BackupRecord[]> {
    return this.options.store.records(userId);
  }

  async get(userId: string, id: string): Promise<BackupRecord> {
    const record = (await this.options.store.records(userId)).find((r) => r.id === id);
    if (!record) throw new BackupNotFound(userId, id);
    return record;
  }

  /** Deletes a backup that is not being taken. */
  async remove(userId: string, id: string): Promise<BackupRecord> {
    const record = await this.get(userId, id);
    if (record.state === 'pending') throw new BackupInProgress(userId, `backup ${id}`);
    await this.options.store.remove(userId, id);
    this.options.logger.info({ userId, backupId: id }, 'backup deleted');
    return record;
  }

  /** A ready backup's data as a tar.gz of the state directory's contents. */
  async exportArchive(userId: string, id: string): Promise<NodeJS.ReadableStream> {
    return this.options.store.exportArchive(ready(await this.get(userId, id)));
  }

  /**
   * Makes a ready backup of `userId` from an archive exportArchive wrote (here or on another
   * manager or runtime); restore it or create a user from it. No instance is needed. An archive
   * that is not one leaves nothing behind; a failure of the store leaves a failed record.
   */
  async importArchive(userId: string, archive: NodeJS.ReadableStream): Promise<BackupRecord> {
    const { store } = this.options;
    const release = this.claim(userId, 'an import');
    try {
      const record: BackupRecord = {
        id: randomBytes(6).toString('hex'), userId, state: 'pending', consistency: 'stopped', reason: 'imported', createdAt: new Date().toISOString(),
        finishedAt: null, sizeBytes: null, offlineSeconds: 0, wasRunning: false, error: null, location: '',
      };
      await this.options.store.save(record);
      let final: BackupRecord;
      try {
        const copied = await store.importArchive(userId, record.id, archive, this.options.importMaxBytes);
        final = { ...record, state: 'ready', location: copied.location, sizeBytes: copied.sizeBytes, finishedAt: new Date().toISOString() };
      } catch (err) {
        if (err instanceof HttpError && err.status < 500) {
          await this.options.store.remove(userId, record.id);
          throw err;
        }
        this.options.logger.error({ err, userId, backupId: record.id }, 'import failed');
        final = { ...record, state: 'failed', error: publicMessage(err), finishedAt: new Date().toISOString() };
      }
      await this.options.store.save(final);
      if (final.state === 'failed') throw new BackupFailed(`Importing the archive for "${userId}" failed: ${final.error ?? 'unknown'}`);
      this.options.logger.info({ userId, backupId: record.id, sizeBytes: final.sizeBytes }, 'backup imported');
      await this.prune(userId);
      return final;
    } finally {
      release();
    }
  }

  /** A ready backup to create a new user from (POST /api/instances with fromBackup). */
  async cloneSource(userId: string, id: string): Promise<BackupRecord> {
    return ready(await this.get(userId, id));
  }

  /**
   * Replaces the user's data with backup `id` of theirs and answers once the instance is as it was
   * before (running again if it ran). The data it had is kept first as a backup of its own; when the
   * restore fails, that copy is put back and RestoreFailed says why.
   */
  async restore(userId: string, id: string): Promise<Instance> {
    const backup = ready(await this.get(userId, id));
    const instance = await this.options.runtime.get(userId);
    const release = this.claim(userId, 'a restore');
    try {
      const safety = await this.copy(instance, await this.begin(instance, 'stopped', `before restoring ${id}`), { keepStopped: true });
      if (safety.state !== 'ready') throw new RestoreFailed(userId, id, `the copy of the current data failed: ${safety.error ?? 'unknown'}`);
      const { store } = this.options;
      const intent = { userId, backupId: id, safetyId: safety.id, wasRunning: instance.phase !== 'Stopped', restored: false };
      await this.reachable(userId, 'record the restore', () => store.saveRestoreIntent(intent));
      try {
        await this.reachable(userId, 'restore', () => store.restore(userId, backup));
        await this.reachable(userId, 'record the restore', () => store.saveRestoreIntent({ ...intent, restored: true }));
      } catch (err) {
        const why = publicMessage(err);
        this.options.logger.error({ err, userId, backupId: id }, 'restore failed; putting the data back');
        try {
          await this.reachable(userId, 'put the data back', () => store.restore(userId, safety));
          await this.reachable(userId, 'record the restore', () => store.clearRestoreIntent(userId));
        } catch (undoErr) {
          this.options.logger.error({ err: undoErr, userId, backupId: safety.id }, 'putting the data back failed');
          throw new RestoreUndoFailed(userId, id, why, safety.id, publicMessage(undoErr), { cause: undoErr });
        } finally {
          if (instance.phase !== 'Stopped') await this.startAgain(userId);
        }
        throw new RestoreFailed(userId, id, why, { cause: err });
      }
      this.options.logger.info({ userId, backupId: id, safetyBackupId: safety.id }, 'backup restored');
      const after = instance.phase === 'Stopped' ? await this.options.runtime.get(userId) : await this.startAgain(userId);
      await this.reachable(userId, 'record the restore', () => store.clearRestoreIntent(userId));
      return after;
    } finally {
      release();
    }
  }

  /**
   * Settles what a manager that stopped half-way left: an interrupted restore puts the data back from
   * its safety backup, pending records fail as interrupted (their copy removed, their instance
   * started again if the backup stopped it) and copies without a record are removed. Run once
   * before the API serves.
   */
  async settle(): Promise<void> {
    const { store, logger } = this.options;
    for (const intent of await store.restoreIntents()) await this.undoRestore(intent);
    for (const record of await store.allRecords()) {
      if (record.state !== 'pending' || this.running.has(record.id)) continue;
      logger.warn({ userId: record.userId, backupId: record.id }, 'settling a backup an earlier manager left pending');
      await store.remove(record.userId, record.id);
      await store.save({ ...record, state: 'failed', finishedAt: new Date().toISOString(), error: INTERRUPTED, sizeBytes: null });
      if (record.wasRunning && record.consistency === 'stopped') {
        const instance = await this.options.runtime.get(record.userId).catch(() => undefined);
        if (instance?.phase === 'Stopped') await this.options.lifecycle.start(record.userId);
      }
    }
    const swept = (await store.sweep?.()) ?? 0;
    if (swept > 0) logger.warn({ transfers: swept }, 'removed the transfers an earlier manager left');
    const recorded = new Set((await store.allRecords()).map((r) => `${r.userId}/${r.id}`));
    for (const stray of await store.strayCopies()) {
      if (recorded.has(`${stray.userId}/${stray.id}`)) continue;
      logger.warn({ userId: stray.userId, backupId: stray.id }, 'removing a backup copy no record names');
      await store.remove(stray.userId, stray.id);
    }
  }

  /** Finishes an interrupted restore: the data put back as it was unless it was in place, the instance running if it ran. */
  private async undoRestore(intent: RestoreIntent): Promise<void> {
    const { store, logger, lifecycle } = this.options;
    const { userId } = intent;
    const safety = intent.restored ? undefined : (await store.records(userId)).find((r) => r.id === intent.safetyId && r.state === 'ready');
    if (intent.restored) {
      logger.warn({ userId, backupId: intent.backupId }, 'a restore was interrupted after the data was in place; starting the instance again');
    } else if (!safety) {
      logger.error({ userId, safetyBackupId: intent.safetyId }, 'the safety backup of an interrupted restore is gone; nothing to put back');
    } else {
      logger.warn({ userId, backupId: intent.backupId, safetyBackupId: intent.safetyId }, 'a restore was interrupted; putting the data back as it was');
      try {
        await store.restore(userId, safety);
      } catch (err) {
        // Left for the next start to try again; the safety backup still holds the data.
        logger.error({ err, userId, safetyBackupId: safety.id }, 'putting the data back failed; restore that backup by hand');
        return;
      }
    }
    await store.clearRestoreIntent(userId);
    if (intent.wasRunning) await lifecycle.start(userId).catch((err: unknown) => logger.error({ err, userId }, 'starting the instance again failed'));
  }

  private claim(userId: string, what: string): () => void {
    const current = this.busy.get(userId);
    if (current !== undefined) throw new BackupInProgress(userId, current);
    this.busy.set(userId, what);
    return () => this.busy.delete(userId);
  }

  /** Writes the pending record first, so a manager that dies from here on leaves a trace to settle. */
  private async begin(instance: Instance, consistency: BackupConsistency, reason: string): Promise<BackupRecord> {
    const record: BackupRecord = {
      id: randomBytes(6).toString('hex'),
      userId: instance.userId,
      state: 'pending',
      consistency,
      reason,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      sizeBytes: null,
      offlineSeconds: null,
      wasRunning: instance.phase !== 'Stopped',
      error: null,
      location: '',
    };
    await this.options.store.save(record);
    return record;
  }

  /**
   * Takes the copy: stops a running instance first for a consistent one, and starts it again
   * afterwards (unless `keepStopped`, for a restore that goes on with it stopped). Never throws:
   * the returned record says ready or failed.
   */
  private async copy(instance: Instance, record: BackupRecord, opts: { keepStopped?: boolean } = {}): Promise<BackupRecord> {
    const { store, logger, lifecycle } = this.options;
    const userId = instance.userId;
    const stops = record.wasRunning && (record.consistency === 'stopped' || opts.keepStopped === true);
    const began = Date.now();
    let final: BackupRecord;
    try {
      if (stops) await this.reachable(userId, 'stop the instance', () => lifecycle.stop(userId));
      const copied = await this.reachable(userId, 'copy the data', () => store.capture(userId, record.id));
      final = { ...record, state: 'ready', location: copied.location, sizeBytes: copied.sizeBytes };
    } catch (err) {
      logger.error({ err, userId, backupId: record.id }, 'backup failed');
      final = { ...record, state: 'failed', error: publicMessage(err) };
      // A copy cut short (the cluster away past the wait) may have left part of itself.
      await store.remove(userId, record.id).catch((cleanup: unknown) => logger.warn({ err: cleanup, userId, backupId: record.id }, 'the failed copy is not removed yet'));
    }
    if (stops && !opts.keepStopped) await this.startAgain(userId).catch(() => undefined);
    final = { ...final, finishedAt: new Date().toISOString(), offlineSeconds: stops && !opts.keepStopped ? round((Date.now() - began) / 1000) : 0 };
    await this.reachable(userId, 'record the backup', () => store.save(final)).catch((err: unknown) => logger.error({ err, userId, backupId: record.id }, 'cannot record the backup'));
    logger.info({ userId, backupId: record.id, state: final.state, offlineSeconds: final.offlineSeconds, sizeBytes: final.sizeBytes }, 'backup finished');
    if (final.state === 'ready') await this.prune(userId);
    return final;
  }

  /** Starts the instance and waits until it is ready (or failed, or the timeout); answers it as it is then. */
  private async startAgain(userId: string): Promise<Instance> {
    try {
      await this.reachable(userId, 'start the instance', () => this.options.lifecycle.start(userId));
      const signal = AbortSignal.timeout(this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
      for await (const observed of this.options.runtime.progress(userId, signal)) {
        if (observed.ready || observed.failed) break;
      }
    } catch (err) {
      if (err instanceof InstanceNotFound) throw err;
      this.options.logger.error({ err, userId }, 'starting the instance again failed');
    }
    return this.options.runtime.get(userId);
  }

  /**
   * Runs `step`, and again while it fails because the cluster does not answer, for up to
   * `unreachableMs`: every step of a backup or restore can be run again (each checks what is done).
   */
  private async reachable<T>(userId: string, what: string, step: () => Promise<T>): Promise<T> {
    const { unreachableMs = DEFAULT_UNREACHABLE_MS, unreachableRetryMs = 2000, logger } = this.options;
    const deadline = Date.now() + unreachableMs;
    let waiting = false;
    for (;;) {
      try {
        const result = await step();
        if (waiting) logger.info({ userId, step: what }, 'the cluster answers again; going on');
        return result;
      } catch (err) {
        if (!(err instanceof RuntimeUnavailable) || Date.now() + unreachableRetryMs > deadline) throw err;
        if (!waiting) logger.warn({ userId, step: what }, 'the cluster does not answer; waiting for it');
        waiting = true;
      }
      await sleep(unreachableRetryMs);
    }
  }

  private async prune(userId: string): Promise<void> {
    const records = await this.options.store.records(userId);
    for (const record of backupsToPrune(records, this.options.keep)) {
      await this.options.store.remove(userId, record.id).then(
        () => this.options.logger.info({ userId, backupId: record.id, keep: this.options.keep }, 'old backup deleted'),
        (err: unknown) => this.options.logger.error({ err, userId, backupId: record.id }, 'deleting an old backup failed'),
      );
    }
  }
}

function ready(record: BackupRecord): BackupRecord {
  if (record.state !== 'ready') throw new BackupNotReady(record.userId, record.id, record.state);
  return record;
}

const round = (seconds: number): number => Math.round(seconds * 10) / 10;

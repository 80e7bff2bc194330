import { describe, expect, it } from 'vitest';
import { BackupService, type BackupServiceOptions } from '../../manager/src/backups/backup-service.js';
import { backupsToPrune } from '../../manager/src/backups/backup-retention.js';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import { HttpError } from '../../manager/src/errors/http-error.js';
import { createLogger } from '../../manager/src/logger.js';
import { BackupFailed, RuntimeUnavailable } from '../../manager/src/runtime/runtime-errors.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

function setUp(keep = 3, unreachable: Pick<BackupServiceOptions, 'unreachableMs' | 'unreachableRetryMs'> = {}): { runtime: MemoryRuntime; service: BackupService } {
  const runtime = new MemoryRuntime();
  runtime.readyOnCreate = true;
  const service = new BackupService({
    runtime, store: runtime.backups, logger: createLogger('silent'), keep, importMaxBytes: 1024 ** 2,
    lifecycle: { stop: (u) => runtime.stopInstance(u), start: (u) => runtime.startInstance(u) },
    ...unreachable,
  });
  return { runtime, service };
}

async function backUp(service: BackupService, userId: string, consistency: 'stopped' | 'online' = 'stopped'): Promise<BackupRecord> {
  const pending = await service.take(userId, { consistency });
  const done = await service.settled(userId, pending.id);
  // Records are ordered by their time; the next one must not share this one's millisecond.
  await new Promise((r) => setTimeout(r, 2));
  return done;
}

const record = (id: string, state: BackupRecord['state'], minute: number): BackupRecord => ({
  id, userId: 'alice', state, consistency: 'stopped', reason: 'requested', createdAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  finishedAt: null, sizeBytes: null, offlineSeconds: null, wasRunning: true, error: null, location: id,
});

describe('backup retention', () => {
  it('keeps the newest N ready and the newest N failed, never a pending one', () => {
    const records = [record('r1', 'ready', 1), record('f1', 'failed', 2), record('r2', 'ready', 3), record('p1', 'pending', 4), record('r3', 'ready', 5), record('f2', 'failed', 6)];
    expect(backupsToPrune(records, 2).map((r) => r.id)).toEqual(['r1']);
    expect(backupsToPrune(records, 1).map((r) => r.id)).toEqual(['r2', 'r1', 'f1']);
    // 0 is read as 1: the newest ready one always stays.
    expect(backupsToPrune(records, 0).map((r) => r.id)).toEqual(['r2', 'r1', 'f1']);
  });
});

describe('BackupService', () => {
  it('stops a running instance for the copy and starts it again, recording how long it was offline', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    const done = await backUp(service, 'alice');
    expect(done).toMatchObject({ state: 'ready', wasRunning: true, location: `memory/alice/${done.id}`, sizeBytes: 1024, error: null });
    expect(done.offlineSeconds).toBeGreaterThanOrEqual(0);
    expect(runtime.stops).toEqual(['alice']);
    expect(runtime.starts).toEqual(['alice']);
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('copies online and a stopped instance without stopping or starting anything', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    expect(await backUp(service, 'alice', 'online')).toMatchObject({ state: 'ready', offlineSeconds: 0 });
    await runtime.stopInstance('alice');
    runtime.stops.length = 0;
    expect(await backUp(service, 'alice')).toMatchObject({ state: 'ready', wasRunning: false, offlineSeconds: 0 });
    expect(runtime.stops).toEqual([]);
    expect(runtime.starts).toEqual([]);
    expect((await runtime.get('alice')).phase).toBe('Stopped');
  });

  it('records a failed copy with its reason and runs the instance again', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    runtime.backups.captureHook = async () => {
      throw new BackupFailed('the snapshot class "fast" does not exist');
    };
    const done = await backUp(service, 'alice');
    expect(done).toMatchObject({ state: 'failed', error: 'the snapshot class "fast" does not exist', location: '' });
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('waits for a cluster that stops answering: the copy and the restore go on once it answers', async () => {
    const { runtime, service } = setUp(3, { unreachableRetryMs: 5 });
    await runtime.create({ userId: 'alice', secrets: {} });
    let captureCuts = 2;
    runtime.backups.captureHook = async () => {
      if (captureCuts-- > 0) throw new RuntimeUnavailable('The Kubernetes cluster is unreachable; retry later');
    };
    const first = await backUp(service, 'alice');
    expect(first).toMatchObject({ state: 'ready', error: null });
    expect(captureCuts).toBe(-1);
    let restoreCuts = 1;
    runtime.backups.restoreHook = async () => {
      if (restoreCuts-- > 0) throw new RuntimeUnavailable('The Kubernetes cluster is unreachable; retry later');
    };
    expect(await service.restore('alice', first.id)).toMatchObject({ phase: 'Running' });
    expect(runtime.backups.restores).toEqual([{ userId: 'alice', backupId: first.id }]);
    expect(await runtime.backups.restoreIntents()).toEqual([]);
  });

  it('fails a backup once the cluster stayed away past the wait, removes what its copy left and runs the instance again', async () => {
    const { runtime, service } = setUp(3, { unreachableMs: 40, unreachableRetryMs: 5 });
    await runtime.create({ userId: 'alice', secrets: {} });
    let attempts = 0;
    runtime.backups.captureHook = async (userId, id) => {
      attempts += 1;
      runtime.backups.leftovers.add(`${userId}/${id}`);
      throw new RuntimeUnavailable('The Kubernetes cluster is unreachable; retry later');
    };
    const done = await backUp(service, 'alice');
    expect(done).toMatchObject({ state: 'failed', error: 'The Kubernetes cluster is unreachable; retry later' });
    expect(attempts).toBeGreaterThan(1);
    expect(runtime.backups.leftovers).toEqual(new Set());
    expect(await service.list('alice')).toEqual([done]);
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('takes one backup or restore of a user at a time', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    await runtime.create({ userId: 'bob', secrets: {} });
    const waiting: (() => void)[] = [];
    runtime.backups.captureHook = () => new Promise((resolve) => { waiting.push(resolve); });
    const first = await service.take('alice', { consistency: 'online' });
    await expect(service.take('alice', { consistency: 'online' })).rejects.toMatchObject({ status: 409, code: 'BACKUP_IN_PROGRESS' });
    await expect(service.remove('alice', first.id)).rejects.toMatchObject({ status: 409 });
    const other = await service.take('bob', { consistency: 'online' });
    await expect.poll(() => waiting.length).toBe(2);
    for (const release of waiting) release();
    await service.settled('alice', first.id);
    await service.settled('bob', other.id);
    expect((await service.take('alice', { consistency: 'online' })).state).toBe('pending');
  });

  it('restores after a safety copy of the data it replaces, and runs the instance again', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    const first = await backUp(service, 'alice');
    const instance = await service.restore('alice', first.id);
    expect(instance).toMatchObject({ phase: 'Running', ready: true });
    expect(runtime.backups.restores).toEqual([{ userId: 'alice', backupId: first.id }]);
    expect(await runtime.backups.restoreIntents()).toEqual([]);
    const [safety] = await service.list('alice');
    expect(safety).toMatchObject({ state: 'ready', reason: `before restoring ${first.id}`, offlineSeconds: 0 });
  });

  it('puts the data back from the safety copy when the restore fails', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    const first = await backUp(service, 'alice');
    runtime.backups.restoreHook = async (_userId, backup) => {
      if (backup.id === first.id) throw new BackupFailed('the claim did not bind');
    };
    const err = await service.restore('alice', first.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'RESTORE_FAILED' });
    expect((err as HttpError).message).toMatch(/put back as it was: the claim did not bind$/);
    const [safety] = await service.list('alice');
    expect(runtime.backups.restores).toEqual([{ userId: 'alice', backupId: safety?.id }]);
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('names the safety backup when putting the data back fails too', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    const first = await backUp(service, 'alice');
    runtime.backups.restoreHook = async () => {
      throw new BackupFailed('the cluster has no snapshot controller');
    };
    const err = (await service.restore('alice', first.id).catch((e: unknown) => e)) as HttpError;
    const [safety] = await service.list('alice');
    expect(err).toMatchObject({ status: 502, code: 'RESTORE_UNDO_FAILED', details: { safetyBackupId: safety?.id } });
    expect(err.message).toContain(`restore backup "${safety?.id}" to get it back`);
  });

  it('refuses to restore or clone from a backup that is not ready, and unknown ones', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    runtime.backups.captureHook = async () => {
      throw new BackupFailed('no room');
    };
    const failed = await backUp(service, 'alice');
    await expect(service.restore('alice', failed.id)).rejects.toMatchObject({ status: 409, code: 'BACKUP_NOT_READY' });
    await expect(service.cloneSource('alice', failed.id)).rejects.toMatchObject({ status: 409, code: 'BACKUP_NOT_READY' });
    await expect(service.restore('alice', '0123456789ab')).rejects.toMatchObject({ status: 404, code: 'BACKUP_NOT_FOUND' });
    expect(runtime.backups.restores).toEqual([]);
  });

  it('settles a pending record an earlier manager left: failed as interrupted, the instance it stopped started again', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    await runtime.stopInstance('alice');
    await runtime.backups.save({ ...record('0123456789ab', 'pending', 1), wasRunning: true });
    await service.settle();
    expect(await service.get('alice', '0123456789ab')).toMatchObject({ state: 'failed', error: 'interrupted: the manager stopped while the backup was taken' });
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('deletes backups beyond the kept number once a new one is ready', async () => {
    const { runtime, service } = setUp(2);
    await runtime.create({ userId: 'alice', secrets: {} });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await backUp(service, 'alice', 'online')).id);
    expect((await service.list('alice')).map((r) => r.id)).toEqual([ids[2], ids[1]]);
  });
});

describe('BackupService settling an interrupted restore', () => {
  it('puts back the data from the safety backup, clears the intent and starts the instance that ran', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    const safety = { ...record('0123456789ab', 'ready', 1), location: 'memory/alice/0123456789ab' };
    await runtime.backups.save(safety);
    await runtime.stopInstance('alice');
    await runtime.backups.saveRestoreIntent({ userId: 'alice', backupId: 'ba9876543210', safetyId: safety.id, wasRunning: true, restored: false });
    await service.settle();
    expect(runtime.backups.restores).toEqual([{ userId: 'alice', backupId: safety.id }]);
    expect(await runtime.backups.restoreIntents()).toEqual([]);
    expect((await runtime.get('alice')).phase).toBe('Running');
  });

  it('keeps the intent for the next start when putting the data back fails, and leaves the instance stopped', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    await runtime.backups.save({ ...record('0123456789ab', 'ready', 1) });
    await runtime.stopInstance('alice');
    await runtime.backups.saveRestoreIntent({ userId: 'alice', backupId: 'ba9876543210', safetyId: '0123456789ab', wasRunning: true, restored: false });
    runtime.backups.restoreHook = async () => {
      throw new BackupFailed('the API server did not answer');
    };
    await service.settle();
    expect(await runtime.backups.restoreIntents()).toHaveLength(1);
    expect((await runtime.get('alice')).phase).toBe('Stopped');
  });

  it('only starts the instance when the data was in place already', async () => {
    const { runtime, service } = setUp();
    await runtime.create({ userId: 'alice', secrets: {} });
    await runtime.stopInstance('alice');
    await runtime.backups.saveRestoreIntent({ userId: 'alice', backupId: 'ba9876543210', safetyId: '0123456789ab', wasRunning: true, restored: true });
    await service.settle();
    expect(runtime.backups.restores).toEqual([]);
    expect(await runtime.backups.restoreIntents()).toEqual([]);
    expect((await runtime.get('alice')).phase).toBe('Running');
  });
});

// `helm openclaw backup`, `backups`, `restore` and `delete-backup`: the commands against a scripted
// client (a double of the plugin's own ManagerClient) for every outcome, then the plugin's real
// ManagerClient against the manager's real routes (createApp over a MemoryRuntime), so the records
// and error codes the commands read are the ones the API sends, and last the bundle run by the real
// helm against those routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import { BackupFailed as CopyFailed } from '../../manager/src/runtime/runtime-errors.js';
import { runBackup, type BackupCommand } from '../../plugins/openclaw/src/commands/backup.js';
import { backupsTable, runBackups } from '../../plugins/openclaw/src/commands/backups.js';
import type { CommandIo } from '../../plugins/openclaw/src/commands/command-io.js';
import { runDeleteBackup } from '../../plugins/openclaw/src/commands/delete-backup.js';
import { runRestore, type RestoreCommand } from '../../plugins/openclaw/src/commands/restore.js';
import { BackupFailed, ManagerRequestFailed, RestoreFailed, WaitTimedOut } from '../../plugins/openclaw/src/errors.js';
import { humanBytes, humanDuration } from '../../plugins/openclaw/src/human-units.js';
import { ManagerClient, type ManagedInstance } from '../../plugins/openclaw/src/manager-client.js';
import { reportFailure } from '../../plugins/openclaw/src/report-error.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { startTestManager, TEST_API_KEY, type TestManager } from '../support/manager-app.js';

const connection = { namespace: 'openclaw', managerUrl: 'http://m:3000', apiKey: 'k'.repeat(32) };
const ID = '3fa2c1d0e9b4';

type TestIo = CommandIo & { out: () => string; err: () => string };

/** Streams that keep what is written; `clock` stands in for the time when given. */
function io(options: { controller?: AbortController; clock?: () => number } = {}): TestIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => { out += t; return true; } },
    stderr: { write: (t: string) => { err += t; return true; } },
    signal: (options.controller ?? new AbortController()).signal,
    now: options.clock ?? (() => Date.now()),
    colors: false,
    out: () => out,
    err: () => err,
  };
}

const record = (fields: Partial<BackupRecord> = {}): BackupRecord => ({
  id: ID, userId: 'alice', state: 'pending', consistency: 'stopped', reason: 'requested', createdAt: '2026-12-01T10:00:00.123Z',
  finishedAt: null, sizeBytes: null, offlineSeconds: null, wasRunning: true, error: null, location: '', ...fields,
});
const ready = record({ state: 'ready', finishedAt: '2026-12-01T10:00:14Z', sizeBytes: 1_258_291, offlineSeconds: 12.4, location: 'alice-openclaw-data-3fa2c1d0e9b4' });

/** Answers the start with `first`, then each status request with the next of `states` (the last one again at the end). */
function scripted(first: BackupRecord, states: BackupRecord[]) {
  const sent: unknown[] = [];
  return {
    sent,
    backup: async (userId: string, body: unknown) => {
      sent.push([userId, body]);
      return first;
    },
    backupStatus: async (userId: string, id: string) => {
      sent.push([userId, id]);
      return (states.length > 1 ? states.shift() : states[0]) as BackupRecord;
    },
  };
}

const backup = (fields: Partial<BackupCommand> = {}): BackupCommand => ({ kind: 'backup', userId: 'alice', consistency: 'stopped', waitMs: 60_000, connection, ...fields });
const report = (err: unknown) => reportFailure(err, { debug: false, interrupted: false });

describe('helm openclaw backup', () => {
  it('starts the backup, says once that the instance is stopped for the copy, follows it and prints the ready record', async () => {
    const client = scripted(record(), [record(), record(), ready]);
    const out = io();
    expect(await runBackup(backup(), client, out, 1)).toBe(0);
    expect(client.sent).toEqual([['alice', { consistency: 'stopped' }], ['alice', ID], ['alice', ID], ['alice', ID]]);
    expect(out.err()).toBe('backing up alice (instance stopped for the copy)...\n');
    expect(out.out()).toBe(
      [`backup    ${ID} of alice`, 'state     ready', 'size      1.2 MiB', 'offline   12.4 s', 'location  alice-openclaw-data-3fa2c1d0e9b4', ''].join('\n'),
    );
  });

  it.each([
    { consistency: 'online' as const, wasRunning: true, line: 'backing up alice (online: it keeps running)...' },
    { consistency: 'stopped' as const, wasRunning: false, line: 'backing up alice (it is stopped)...' },
  ])('a $consistency backup of an instance that ran: $wasRunning says so', async ({ consistency, wasRunning, line }) => {
    const client = scripted(record({ consistency, wasRunning }), [record({ ...ready, consistency, wasRunning, offlineSeconds: 0 })]);
    const out = io();
    expect(await runBackup(backup({ consistency }), client, out, 1)).toBe(0);
    expect(client.sent[0]).toEqual(['alice', { consistency }]);
    expect(out.err()).toBe(`${line}\n`);
    expect(out.out()).toContain('offline   0 s\n');
  });

  it('prints a failed record and fails with its error in one line', async () => {
    const failed = record({ state: 'failed', finishedAt: '2026-12-01T10:00:03Z', offlineSeconds: 2, error: 'VolumeSnapshot alice-openclaw-data-3fa2c1d0e9b4 failed: no VolumeSnapshotClass' });
    const out = io();
    const err = await runBackup(backup(), scripted(record(), [failed]), out, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupFailed);
    expect(out.out()).toBe([`backup    ${ID} of alice`, 'state     failed', 'size      -', 'offline   2 s', 'location  -', ''].join('\n'));
    expect(report(err)).toEqual({
      text: `error: backup ${ID} of alice failed: VolumeSnapshot alice-openclaw-data-3fa2c1d0e9b4 failed: no VolumeSnapshotClass\n`,
      exitCode: 1,
    });
  });

  it('--no-wait prints the pending record, says how to follow it, and asks for nothing more', async () => {
    const client = scripted(record({ consistency: 'online' }), [ready]);
    const out = io();
    expect(await runBackup(backup({ consistency: 'online', waitMs: undefined }), client, out, 1)).toBe(0);
    expect(client.sent).toEqual([['alice', { consistency: 'online' }]]);
    expect(out.out()).toBe([`backup    ${ID} of alice`, 'state     pending', 'size      -', 'offline   -', 'location  -', ''].join('\n'));
    expect(out.err()).toBe('The backup goes on in the manager: helm openclaw backups alice shows when it is ready.\n');
  });

  it('gives up after --timeout with one line saying the backup goes on', async () => {
    let now = 0;
    const client = scripted(record(), [record()]);
    const polled = { backup: client.backup, backupStatus: async (userId: string, id: string) => { now += 30_000; return client.backupStatus(userId, id); } };
    const out = io({ clock: () => now });
    const err = await runBackup(backup({ waitMs: 90_000 }), polled, out, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimedOut);
    expect(client.sent).toHaveLength(4);
    expect(out.out()).toBe('');
    expect(report(err).text).toBe(`error: backup ${ID} of alice is still pending after 1m30s; it goes on in the manager (helm openclaw backups alice shows it)\n`);
  });

  it('Ctrl-C stops following and says where the backup goes on', async () => {
    const controller = new AbortController();
    const out = io({ controller });
    const running = runBackup(backup(), scripted(record(), [record()]), out, 50).catch((e: unknown) => e);
    controller.abort(new Error('interrupted'));
    expect(await running).toEqual(new Error('interrupted'));
    expect(out.err()).toContain('Stopped following; the backup goes on in the manager: helm openclaw backups alice\n');
    expect(reportFailure(await running, { debug: false, interrupted: true })).toEqual({ text: 'Cancelled.\n', exitCode: 130 });
  });

  it('the manager refusing the backup is one line and nothing on stdout', async () => {
    const client = {
      backup: async (): Promise<BackupRecord> => {
        throw new ManagerRequestFailed(409, 'BACKUP_IN_PROGRESS', 'Instance "alice": a restore is in progress; retry when it finishes');
      },
      backupStatus: async () => ready,
    };
    const out = io();
    const err = await runBackup(backup(), client, out, 1).catch((e: unknown) => e);
    expect(out.out()).toBe('');
    expect(report(err).text).toBe('error: The manager answered 409 BACKUP_IN_PROGRESS: Instance "alice": a restore is in progress; retry when it finishes\n');
  });
});

describe('helm openclaw backups', () => {
  const list = [
    record({ id: 'c0ffee000003', createdAt: '2026-12-02T08:00:00Z', consistency: 'online' }),
    ready,
    record({ id: 'c0ffee000001', state: 'failed', createdAt: '2026-11-30T23:59:59Z', reason: 'before restoring aaaaaaaaaaaa', error: 'copy timed out', offlineSeconds: 600 }),
  ];

  it('prints the backups newest first as an aligned table, a failed one with its error', async () => {
    const out = io();
    expect(await runBackups({ kind: 'backups', userId: 'alice', json: false, connection }, { backups: async () => ({ userId: 'alice', backups: list }) }, out)).toBe(0);
    expect(out.out().split('\n')).toEqual([
      'ID            STATE    CONSISTENCY  CREATED               SIZE     OFFLINE  REASON',
      'c0ffee000003  pending  online       2026-12-02 08:00:00Z  -        -        requested',
      '3fa2c1d0e9b4  ready    stopped      2026-12-01 10:00:00Z  1.2 MiB  12.4 s   requested',
      'c0ffee000001  failed   stopped      2026-11-30 23:59:59Z  -        600 s    before restoring aaaaaaaaaaaa; failed: copy timed out',
      '',
    ]);
  });

  it('says so when there are none; --json prints the answer as it came', async () => {
    expect(backupsTable('alice', [])).toBe('no backups of alice');
    const out = io();
    await runBackups({ kind: 'backups', userId: 'alice', json: true, connection }, { backups: async () => ({ userId: 'alice', backups: list }) }, out);
    expect(JSON.parse(out.out())).toEqual({ userId: 'alice', backups: list });
  });
});

describe('helm openclaw restore', () => {
  const command: RestoreCommand = { kind: 'restore', userId: 'alice', backupId: ID, timeoutMs: 240_000, connection };
  const instance: ManagedInstance = { userId: 'alice', phase: 'Running', ready: true, message: 'gateway ready', imageTag: 'v1' };
  const failing = (err: Error) => ({ restore: async (): Promise<ManagedInstance> => { throw err; } });

  it('restores and says where the instance is now and where the data it had went', async () => {
    const sent: unknown[] = [];
    const out = io();
    const client = { restore: async (userId: string, backupId: string) => { sent.push([userId, backupId]); return instance; } };
    expect(await runRestore(command, client, out)).toBe(0);
    expect(sent).toEqual([['alice', ID]]);
    expect(out.err()).toBe(`restoring alice from backup ${ID} (its data is backed up first; the instance is stopped meanwhile)...\n`);
    expect(out.out()).toBe(`alice restored from backup ${ID}: now Running, ready; the data it had is kept as a backup (helm openclaw backups alice)\n`);
  });

  it('RESTORE_FAILED: says nothing was lost', async () => {
    const manager = `Restoring "alice" from backup "${ID}" failed, and its data was put back as it was: no space left`;
    const err = await runRestore(command, failing(new ManagerRequestFailed(502, 'RESTORE_FAILED', manager)), io()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreFailed);
    expect(report(err)).toEqual({
      text: `error: The manager answered 502 RESTORE_FAILED: ${manager}. Nothing was lost: alice has the data it had before the restore\n`,
      exitCode: 1,
    });
  });

  it('RESTORE_UNDO_FAILED: names the backup that holds the data and the command that brings it back', async () => {
    const manager = `Restoring "alice" from backup "${ID}" failed (no space left), and putting its data back failed too (cluster gone); restore backup "0123456789ab" to get it back`;
    const err = await runRestore(command, failing(new ManagerRequestFailed(502, 'RESTORE_UNDO_FAILED', manager, { safetyBackupId: '0123456789ab' })), io()).catch((e: unknown) => e);
    expect(report(err)).toEqual({
      text: `error: The manager answered 502 RESTORE_UNDO_FAILED: ${manager}. alice's data from before the restore is in backup 0123456789ab: helm openclaw restore alice 0123456789ab\n`,
      exitCode: 1,
    });
    // Without details, the manager's own message is what names it.
    const bare = await runRestore(command, failing(new ManagerRequestFailed(502, 'RESTORE_UNDO_FAILED', manager)), io()).catch((e: unknown) => e);
    expect(report(bare).text).toBe(`error: The manager answered 502 RESTORE_UNDO_FAILED: ${manager}\n`);
  });

  it('other refusals stay as the manager said them', async () => {
    const refusal = new ManagerRequestFailed(409, 'BACKUP_NOT_READY', `Backup "${ID}" of "alice" is pending; only a ready backup can be restored`);
    expect(await runRestore(command, failing(refusal), io()).catch((e: unknown) => e)).toBe(refusal);
  });

  it('gives up after --timeout with one line saying the restore goes on', async () => {
    const hang = { restore: (_u: string, _b: string, signal?: AbortSignal) => new Promise<ManagedInstance>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) };
    const err = await runRestore({ ...command, timeoutMs: 1000 }, hang, io()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimedOut);
    expect(report(err).text).toBe('error: no answer within 1s; the restore goes on in the manager: helm openclaw backups alice lists the copy it took first\n');
  });
});

describe('helm openclaw delete-backup', () => {
  it('deletes the backup and says which it was', async () => {
    const sent: unknown[] = [];
    const out = io();
    const client = { deleteBackup: async (userId: string, id: string) => { sent.push([userId, id]); return ready; } };
    expect(await runDeleteBackup({ kind: 'delete-backup', userId: 'alice', backupId: ID, connection }, client, out)).toBe(0);
    expect(sent).toEqual([['alice', ID]]);
    expect(out.out()).toBe(`deleted backup ${ID} of alice (ready, 1.2 MiB, taken 2026-12-01 10:00:00Z)\n`);
  });
});

describe('sizes and durations as people read them', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1_258_291, '1.2 MiB'],
    [52_428_800, '50 MiB'],
    [5 * 2 ** 40, '5.0 TiB'],
    [2 ** 50, '1024 TiB'],
  ])('%d bytes -> %s', (bytes, text) => {
    expect(humanBytes(bytes)).toBe(text);
  });

  it.each([
    [0, '0s'],
    [90_000, '1m30s'],
    [1_500_000, '25m'],
    [5_430_000, '1h30m30s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('the commands through ManagerClient against the manager routes', () => {
  let manager: TestManager;
  let client: ManagerClient;
  let plugins: PluginHome;

  beforeAll(async () => {
    manager = await startTestManager();
    manager.runtime.readyOnCreate = true;
    await manager.runtime.create({ userId: 'alice', secrets: {} });
    client = new ManagerClient({ baseUrl: manager.http.url, apiKey: TEST_API_KEY });
    plugins = await installPlugins([PLUGIN_DIRS.openclaw]);
  });
  afterAll(async () => {
    await manager?.close();
    plugins?.remove();
  });

  const idOf = (printed: string): string => /^backup {4}([0-9a-f]{12}) of alice$/m.exec(printed)?.[1] ?? '';

  it('backs up (stopped, then online without waiting), lists, restores and deletes', async () => {
    const first = io();
    expect(await runBackup(backup(), client, first, 5)).toBe(0);
    const firstId = idOf(first.out());
    expect(first.out()).toContain('state     ready\nsize      1.0 KiB\n');
    expect(first.out()).toContain(`location  memory/alice/${firstId}\n`);
    expect(manager.runtime.stops).toEqual(['alice']);

    const second = io();
    expect(await runBackup(backup({ consistency: 'online', waitMs: undefined }), client, second)).toBe(0);
    const secondId = idOf(second.out());
    await manager.app.backups.settled('alice', secondId);

    const listed = io();
    await runBackups({ kind: 'backups', userId: 'alice', json: false, connection }, client, listed);
    const rows = listed.out().trim().split('\n').slice(1).map((row) => row.split(/\s{2,}/).slice(0, 3));
    expect(rows).toEqual([[secondId, 'ready', 'online'], [firstId, 'ready', 'stopped']]);

    const restored = io();
    expect(await runRestore({ kind: 'restore', userId: 'alice', backupId: firstId, timeoutMs: 10_000, connection }, client, restored)).toBe(0);
    expect(restored.out()).toMatch(new RegExp(`^alice restored from backup ${firstId}: now Running, ready;`));
    expect(manager.runtime.backups.restores).toEqual([{ userId: 'alice', backupId: firstId }]);

    const deleted = io();
    expect(await runDeleteBackup({ kind: 'delete-backup', userId: 'alice', backupId: secondId, connection }, client, deleted)).toBe(0);
    expect(deleted.out()).toMatch(new RegExp(`^deleted backup ${secondId} of alice \\(ready, 1\\.0 KiB, taken `));
    expect((await client.backups('alice')).backups.map((b) => b.id)).not.toContain(secondId);
  });

  it('a restore that fails and is undone, and one whose undo fails too, are told as such', async () => {
    const { backups } = (await client.backups('alice'));
    const target = backups.find((b) => b.state === 'ready' && b.reason === 'requested')?.id ?? '';
    const command: RestoreCommand = { kind: 'restore', userId: 'alice', backupId: target, timeoutMs: 10_000, connection };

    manager.runtime.backups.restoreHook = async (_userId, from) => {
      if (from.id === target) throw new CopyFailed('no space left on the volume');
    };
    const undone = await runRestore(command, client, io()).catch((e: unknown) => e);
    expect(report(undone).text).toMatch(/^error: The manager answered 502 RESTORE_FAILED: Restoring "alice" from backup "[0-9a-f]{12}" failed, and its data was put back as it was: no space left on the volume\. Nothing was lost: alice has the data it had before the restore\n$/);

    manager.runtime.backups.restoreHook = async () => {
      throw new CopyFailed('no space left on the volume');
    };
    const stuck = await runRestore(command, client, io()).catch((e: unknown) => e);
    expect(stuck).toBeInstanceOf(RestoreFailed);
    expect(report(stuck).text).toMatch(/^error: The manager answered 502 RESTORE_UNDO_FAILED: .*restore backup "[0-9a-f]{12}" to get it back/);
    manager.runtime.backups.restoreHook = undefined;
  });

  it('an unknown backup or user comes back as the manager said it', async () => {
    const missing = await runRestore({ kind: 'restore', userId: 'alice', backupId: 'ffffffffffff', timeoutMs: 10_000, connection }, client, io()).catch((e: unknown) => e);
    expect(report(missing).text).toBe('error: The manager answered 404 BACKUP_NOT_FOUND: Backup "ffffffffffff" of "alice" not found\n');
    const nobody = await runBackup(backup({ userId: 'bob' }), client, io(), 5).catch((e: unknown) => e);
    expect(nobody).toMatchObject({ status: 404 });
    expect((await client.backups('bob')).backups).toEqual([]);
  });

  it('helm runs the bundle: backup waits and prints the record, backups lists it, a bad id is refused before any request', async () => {
    const env = { ...plugins.env, OPENCLAW_MANAGER_URL: manager.http.url, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY };
    const taken = await runHelm(['openclaw', 'backup', 'alice', '--online'], { env });
    expect(taken.exitCode, taken.stderr).toBe(0);
    expect(taken.stderr).toBe('backing up alice (online: it keeps running)...');
    const id = idOf(taken.stdout);
    expect(taken.stdout).toContain('state     ready\nsize      1.0 KiB\noffline   0 s\n');

    const listed = await runHelm(['openclaw', 'backups', 'alice'], { env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[1]?.split(/\s{2,}/).slice(0, 3)).toEqual([id, 'ready', 'online']);

    const seen = (await client.backups('alice')).backups.length;
    const refused = await runHelm(['openclaw', 'delete-backup', 'alice', 'LATEST'], { env });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('error: a backup id is 12 lower-case hex digits (helm openclaw backups alice lists them), got "LATEST"');
    expect((await client.backups('alice')).backups).toHaveLength(seen);
    expect(`${taken.stdout}${taken.stderr}${listed.stdout}${refused.stderr}`).not.toContain(TEST_API_KEY);
  });
});

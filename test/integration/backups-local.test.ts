// Backups on the local runtime against real gateways: data written through the gateway (an agent
// file with agents.files.set, a setting with config.patch) is backed up with the instance stopped
// for the copy, changed, and restored; a clone of the backup starts another user with it; retention
// keeps the newest N; a copy that cannot be made fails with the reason and leaves the instance
// running; a manager killed half-way through a backup or a restore is settled by the next one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerConfig } from '../../manager/src/config.js';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { waitFor } from '../support/kube.js';
import { type JsonResponse } from '../support/manager-http.js';
import { localManagerConfig, startLocalManager, stopLocalManager, waitRunning, type LocalManager } from '../support/local-manager.js';
import { localRuntimeEnv, startManagerProcess, waitRunning as waitRunningProcess } from '../support/manager-process.js';
import { alive } from '../support/process-table.js';

const KEY = 'local-backups-key-0123456789abcdef';
const KEEP = 2;

describe('backups on the local runtime', () => {
  let root: string;
  let config: ManagerConfig;
  let manager: LocalManager;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });
  const rpc = async (userId: string, method: string, params: unknown): Promise<unknown> => {
    // Right after a start or a config change the gateway may refuse a call for a moment; retry.
    let last: JsonResponse | undefined;
    for (let i = 0; i < 30; i += 1) {
      last = await api('POST', `/api/instances/${userId}/rpc`, { method, params });
      if (last.status === 200) return (last.body as { result: unknown }).result;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`${method} on ${userId}: ${last?.text}`);
  };
  const writeData = async (userId: string, note: string, color: string): Promise<void> => {
    await rpc(userId, 'agents.files.set', { agentId: 'main', name: 'USER.md', content: note });
    const { hash } = (await rpc(userId, 'config.get', {})) as { hash: string };
    expect(await rpc(userId, 'config.patch', { raw: JSON.stringify({ ui: { seamColor: color } }), baseHash: hash })).toMatchObject({ ok: true });
  };
  const readData = async (userId: string): Promise<{ note: unknown; color: unknown }> => {
    const file = (await rpc(userId, 'agents.files.get', { agentId: 'main', name: 'USER.md' })) as { file: { content: unknown } };
    const { config: gatewayConfig } = (await rpc(userId, 'config.get', {})) as { config: { ui?: { seamColor?: unknown } } };
    return { note: file.file.content, color: gatewayConfig.ui?.seamColor };
  };
  const backUp = async (userId: string, body?: unknown): Promise<BackupRecord> => {
    const begun = await api('POST', `/api/instances/${userId}/backups`, body);
    expect(begun.status, begun.text).toBe(202);
    const pending = begun.body as BackupRecord;
    expect(pending).toMatchObject({ userId, state: 'pending', finishedAt: null });
    expect(begun.headers.get('location')).toBe(`/api/instances/${userId}/backups/${pending.id}`);
    return manager.app.backups.settled(userId, pending.id);
  };
  const upload = (userId: string, body: Buffer, type = 'application/gzip'): Promise<JsonResponse> =>
    manager.http.request('POST', `/api/instances/${userId}/backups/import`, { key: KEY, body, headers: { 'Content-Type': type } });
  const list = async (userId: string): Promise<BackupRecord[]> => {
    const res = await api('GET', `/api/instances/${userId}/backups`);
    expect(res.status, res.text).toBe(200);
    return (res.body as { backups: BackupRecord[] }).backups;
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'backups-local-'));
    config = localManagerConfig(KEY, path.join(root, 'instances'), { OPENCLAW_BACKUPS_KEEP: String(KEEP) });
    manager = await startLocalManager(config);
    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: 'alice' })).status);
    await waitRunning(manager.http, KEY, 'alice');
  }, 320_000);

  afterAll(async () => {
    if (manager) {
      for (const instance of await manager.runtime.list()) await manager.runtime.delete(instance.userId, { purge: true });
      await stopLocalManager(manager);
    }
    rmSync(root, { recursive: true, force: true });
  });

  let first: BackupRecord;

  it('backs up with the instance stopped for the copy, then running again', async () => {
    await writeData('alice', '# alice, before the backup\n', '#111111');
    const before = (await api('GET', '/api/instances/alice')).body as Instance;
    first = await backUp('alice');
    expect(first).toMatchObject({ state: 'ready', consistency: 'stopped', reason: 'requested', wasRunning: true, error: null });
    expect(first.sizeBytes).toBeGreaterThan(1000);
    expect(first.offlineSeconds).toBeGreaterThan(0);
    expect(existsSync(path.join(first.location, 'openclaw.json'))).toBe(true);
    const after = await waitRunning(manager.http, KEY, 'alice');
    expect(after.runtime.pid).not.toBe(before.runtime.pid);
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
    expect((await api('GET', `/api/instances/alice/backups/${first.id}`)).body).toEqual(first);
    console.info(`backup of alice with npm start: ${first.offlineSeconds} s offline, ${first.sizeBytes} bytes`);
  }, 300_000);

  it('restores the data of the backup after it changed, keeping what it replaced as a backup', async () => {
    await writeData('alice', '# alice, changed since\n', '#222222');
    expect(await readData('alice')).toEqual({ note: '# alice, changed since\n', color: '#222222' });
    const began = Date.now();
    const res = await api('POST', '/api/instances/alice/restore', { backupId: first.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ userId: 'alice' });
    console.info(`restore of alice with npm start: ${Math.round((Date.now() - began) / 100) / 10} s until it answered (safety backup included)`);
    await waitRunning(manager.http, KEY, 'alice');
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
    const backups = await list('alice');
    expect(backups.map((b) => [b.reason, b.state])).toEqual([[`before restoring ${first.id}`, 'ready'], ['requested', 'ready']]);
  }, 300_000);

  it('clones the backup into a new user, who reads it', async () => {
    const res = await api('POST', '/api/instances', { userId: 'carol', fromBackup: { userId: 'alice', backupId: first.id } });
    expect([201, 202], res.text).toContain(res.status);
    await waitRunning(manager.http, KEY, 'carol');
    expect(await readData('carol')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
    expect(await list('carol')).toEqual([]);
  }, 300_000);

  it('exports the backup as a tar.gz and imports it for a user with no instance, who is then created from it', async () => {
    const exported = await fetch(`${manager.http.url}/api/instances/alice/backups/${first.id}/export`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/gzip');
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="alice-${first.id}.tar.gz"`);
    const archive = Buffer.from(await exported.arrayBuffer());
    const listing = execFileSync('tar', ['--list', '--gzip'], { input: archive, encoding: 'utf8' }).split('\n');
    expect(listing).toContain('./openclaw.json');
    expect(listing.some((name) => name.startsWith('/') || name.includes('..'))).toBe(false);

    const imported = await upload('erin', archive);
    expect(imported.status, imported.text).toBe(201);
    const record = imported.body as BackupRecord;
    expect(record).toMatchObject({ userId: 'erin', state: 'ready', reason: 'imported', wasRunning: false });
    expect(record.sizeBytes).toBe(first.sizeBytes);
    expect(imported.headers.get('location')).toBe(`/api/instances/erin/backups/${record.id}`);
    expect((await api('GET', '/api/instances/erin')).status).toBe(404);

    const created = await api('POST', '/api/instances', { userId: 'erin', fromBackup: { userId: 'erin', backupId: record.id } });
    expect([201, 202], created.text).toContain(created.status);
    await waitRunning(manager.http, KEY, 'erin');
    expect(await readData('erin')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
    await manager.runtime.delete('erin', { purge: true });
  }, 300_000);

  it('refuses an archive that is not OpenClaw data, leaving nothing behind, and leaves out links out of one', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'bad-archives-'));
    try {
      const pack = (build: (dir: string) => void): Buffer => {
        const dir = mkdtempSync(path.join(work, 'tree-'));
        build(dir);
        return execFileSync('tar', ['--create', '--gzip', '--directory', dir, '.']);
      };
      const cases: [string, Buffer, string | undefined, number, RegExp][] = [
        ['not gzip', Buffer.from('plain text, not an archive'), undefined, 400, /tar could not read it/],
        ['no openclaw.json', pack((d) => writeFileSync(path.join(d, 'notes.txt'), 'x')), undefined, 400, /no openclaw\.json/],
        ['a named pipe', pack((d) => {
          writeFileSync(path.join(d, 'openclaw.json'), '{}');
          execFileSync('mkfifo', [path.join(d, 'pipe')]);
        }), undefined, 400, /pipe is not a regular file, a directory or a symlink/],
        ['sent as JSON', Buffer.from('{}'), 'application/json', 415, /application\/gzip/],
      ];
      for (const [name, body, type, status, message] of cases) {
        const res = await upload('frank', body, type);
        expect(res.status, `${name}: ${res.text}`).toBe(status);
        expect((res.body as { error: string }).error, name).toMatch(message);
      }
      expect(await list('frank')).toEqual([]);
      expect(readdirSync(path.join(root, 'instances', '.backups', 'frank'))).toEqual([]);

      // A link out of the archive (Chromium leaves its profile locks as such links) is left out.
      const linked = await upload('frank', pack((d) => {
        writeFileSync(path.join(d, 'openclaw.json'), '{}');
        symlinkSync('/etc/hostname', path.join(d, 'SingletonLock'));
        symlinkSync('openclaw.json', path.join(d, 'config-link'));
      }));
      expect(linked.status, linked.text).toBe(201);
      const { location } = linked.body as BackupRecord;
      expect(readdirSync(location).sort()).toEqual(['config-link', 'openclaw.json']);
      expect((await api('DELETE', `/api/instances/frank/backups/${(linked.body as BackupRecord).id}`)).status).toBe(200);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/instances/alice/backups', { consistency: 'sometimes' }, 400, /consistency/],
      ['POST', '/api/instances/nobody/backups', {}, 404, /nobody/],
      ['GET', '/api/instances/alice/backups/XYZ', undefined, 400, /backupId/],
      ['GET', '/api/instances/alice/backups/000000000000', undefined, 404, /not found/],
      ['POST', '/api/instances/alice/restore', {}, 400, /backupId/],
      ['POST', '/api/instances/alice/restore', { backupId: '000000000000' }, 404, /not found/],
      ['POST', '/api/instances', { userId: 'dave', fromBackup: { userId: 'alice', backupId: '000000000000' } }, 404, /not found/],
      ['POST', '/api/instances', { userId: 'dave', fromBackup: { userId: 'Alice!', backupId: first.id } }, 400, /fromBackup\.userId/],
      ['POST', '/api/instances', { userId: 'carol', fromBackup: { userId: 'alice', backupId: first.id } }, 409, /already exists/],
    ];
    for (const [method, p, body, status, message] of cases) {
      const res = await api(method, p, body);
      expect(res.status, `${method} ${p} ${res.text}`).toBe(status);
      expect((res.body as { error: string }).error).toMatch(message);
    }
    expect((await api('GET', '/api/instances/dave')).status).toBe(404);
    expect(await list('alice')).toHaveLength(2);
  });

  it('keeps the newest N ready backups, deleting older ones and their copies', async () => {
    const online = await backUp('alice', { consistency: 'online' });
    expect(online).toMatchObject({ state: 'ready', consistency: 'online', offlineSeconds: 0, wasRunning: true });
    const backups = await list('alice');
    expect(backups).toHaveLength(KEEP);
    expect(backups[0]?.id).toBe(online.id);
    expect(backups.map((b) => b.id)).not.toContain(first.id);
    expect(existsSync(first.location)).toBe(false);
  }, 300_000);

  it('deletes a backup and its copy', async () => {
    const [newest] = await list('alice');
    const res = await api('DELETE', `/api/instances/alice/backups/${newest?.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ deleted: true, backup: { id: newest?.id } });
    expect((await api('GET', `/api/instances/alice/backups/${newest?.id}`)).status).toBe(404);
    expect(existsSync(newest?.location as string)).toBe(false);
    expect(await list('alice')).toHaveLength(KEEP - 1);
  });

  it('fails a backup whose copy cannot be made with the reason, and the instance runs as before', async () => {
    // A socket in the state directory cannot be copied.
    const socket = path.join(root, 'instances', 'alice', 'state', 'in-the-way.sock');
    const server: Server = await new Promise((resolve) => {
      const s = createServer();
      s.listen(socket, () => resolve(s));
    });
    try {
      const failed = await backUp('alice');
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/^Copying the data of "alice" failed: .*socket/i);
      expect(await waitRunning(manager.http, KEY, 'alice')).toMatchObject({ phase: 'Running' });
      expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
      expect(existsSync(path.join(root, 'instances', '.backups', 'alice', failed.id))).toBe(false);
      expect(existsSync(path.join(root, 'instances', '.backups', 'alice', `${failed.id}.partial`))).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 300_000);

  it('a manager killed in the middle of a backup: the next one fails the record as interrupted, removes the copy and runs the instance again', async () => {
    // The same data directory under the manager as its own process, which can be killed for real.
    await stopLocalManager(manager);
    const env = { ...localRuntimeEnv(config.localDataDir, KEY), OPENCLAW_BACKUPS_KEEP: String(KEEP) };
    const doomed = await startManagerProcess({ env });
    const gatewayPid = Number(readFileSync(path.join(config.localDataDir, 'alice', 'state', 'run', 'gateway.pid'), 'utf8').trim());
    const begun = await doomed.api('POST', '/api/instances/alice/backups');
    expect(begun.status, begun.text).toBe(202);
    const pending = begun.body as BackupRecord;
    // Killed once the backup has stopped alice: before, during or just after the copy.
    await waitFor('alice stopped for the backup', async () => (alive(gatewayPid) ? undefined : true), 60_000);
    await doomed.crash('process');

    const next = await startManagerProcess({ env });
    try {
      const settled = (await next.api('GET', `/api/instances/alice/backups/${pending.id}`)).body as BackupRecord;
      expect(settled).toMatchObject({ state: 'failed', error: 'interrupted: the manager stopped while the backup was taken' });
      expect(existsSync(path.join(config.localDataDir, '.backups', 'alice', pending.id))).toBe(false);
      expect(existsSync(path.join(config.localDataDir, '.backups', 'alice', `${pending.id}.partial`))).toBe(false);
      await waitRunningProcess(next.api, 'alice');
      const again = await next.api('POST', '/api/instances/alice/backups', { consistency: 'online' });
      expect(again.status, again.text).toBe(202);
      const id = (again.body as BackupRecord).id;
      await expect.poll(async () => ((await next.api('GET', `/api/instances/alice/backups/${id}`)).body as BackupRecord).state, { timeout: 60_000 }).toBe('ready');
    } finally {
      await next.stop();
    }
    manager = await startLocalManager(config);
    await waitRunning(manager.http, KEY, 'alice');
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
  }, 400_000);

  it('a manager killed in the middle of a restore: the next one leaves alice running on whole data, and the restore then works', async () => {
    const target = await backUp('alice');
    expect(target.state).toBe('ready');
    await writeData('alice', '# alice, after the target backup\n', '#333333');
    await stopLocalManager(manager);
    const env = { ...localRuntimeEnv(config.localDataDir, KEY), OPENCLAW_BACKUPS_KEEP: String(KEEP) };
    const doomed = await startManagerProcess({ env });
    const gatewayPid = Number(readFileSync(path.join(config.localDataDir, 'alice', 'state', 'run', 'gateway.pid'), 'utf8').trim());
    const answer = doomed.api('POST', '/api/instances/alice/restore', { backupId: target.id }).catch((err: unknown) => err);
    // Killed once the restore has stopped alice: during its safety backup, or while the data is replaced.
    await waitFor('alice stopped for the restore', async () => (alive(gatewayPid) ? undefined : true), 60_000);
    await doomed.crash('process');
    await answer;

    manager = await startLocalManager(config);
    await waitRunning(manager.http, KEY, 'alice');
    expect(existsSync(path.join(config.localDataDir, '.backups', 'alice', 'restore.json'))).toBe(false);
    expect([
      { note: '# alice, after the target backup\n', color: '#333333' },
      { note: '# alice, before the backup\n', color: '#111111' },
    ]).toContainEqual(await readData('alice'));
    const again = await api('POST', '/api/instances/alice/restore', { backupId: target.id });
    expect(again.status, again.text).toBe(200);
    await waitRunning(manager.http, KEY, 'alice');
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', color: '#111111' });
  }, 400_000);
});

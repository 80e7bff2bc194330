// Backups on Kubernetes with real containers and a real CSI driver: a manager on the helm runtime (in
// this process) runs alice on the test cluster's real node with her data on the hostpath CSI driver
// (scripts/lib/csi.sh). Data written through her gateway is backed up as a VolumeSnapshot with the
// instance stopped for it, changed, and restored by recreating her claim from the snapshot through
// the chart; carol is created from the backup and reads it; retention and delete remove the
// VolumeSnapshots; a backup is exported through a transfer pod, taken through the local runtime's
// store and imported again for dave, who starts with it. One gateway at a time: each costs 1-2 GB and the machine's two cores are shared.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { LocalBackups } from '../../manager/src/runtime/local/local-backups.js';
import { csiBackupSettings, volumeSnapshots } from '../support/csi-backups.js';
import { gatewayData } from '../support/gateway-data.js';
import { HELM_MANAGER_KEY, helmPlugins, startHelmManager, type HelmManager } from '../support/helm-manager.js';
import type { PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { waitRunning } from '../support/manager-process.js';
import { REAL_NODE_NAME, restrictedNamespace } from '../support/real-node.js';

const KEEP = 2;
// A real gateway start on this node takes one to a few minutes.
const START_MS = 420_000;

describe('backups on the real node with a CSI driver', () => {
  let namespace: string;
  let plugins: PluginHome;
  let manager: HelmManager;
  let work: string;
  const api = (method: string, p: string, body?: unknown) => manager.api(method, p, body);

  const data = gatewayData(() => api);
  const writeData = data.write;
  const readData = data.read;
  const backUp = async (userId: string, body?: unknown): Promise<BackupRecord> => {
    const begun = await api('POST', `/api/instances/${userId}/backups`, body);
    expect(begun.status, begun.text).toBe(202);
    const { id } = begun.body as BackupRecord;
    return waitFor(`backup ${id} of ${userId}`, async () => {
      const record = (await api('GET', `/api/instances/${userId}/backups/${id}`)).body as BackupRecord;
      return record.state === 'pending' ? undefined : record;
    }, START_MS + 120_000);
  };
  const list = async (userId: string): Promise<BackupRecord[]> => {
    const res = await api('GET', `/api/instances/${userId}/backups`);
    expect(res.status, res.text).toBe(200);
    return (res.body as { backups: BackupRecord[] }).backups;
  };
  const snapshots = (): Promise<string[]> => volumeSnapshots(namespace);
  const claimSource = async (userId: string): Promise<string> =>
    kubectl(['get', 'pvc', `${userId}-openclaw-data`, '-n', namespace, '-o', 'jsonpath={.spec.dataSource.kind}/{.spec.dataSource.name}']);
  const seconds = (from: number): number => Math.round((Date.now() - from) / 100) / 10;

  beforeAll(async () => {
    namespace = await restrictedNamespace('backups');
    plugins = await helmPlugins();
    work = mkdtempSync(path.join(tmpdir(), 'backups-real-node-'));
    manager = await startHelmManager(plugins, { namespace, env: { ...csiBackupSettings(work, inject('instanceImage')), OPENCLAW_BACKUPS_KEEP: String(KEEP) } });
  }, 120_000);

  afterAll(async () => {
    if (manager) {
      for (const userId of ['alice', 'carol', 'dave']) await api('DELETE', `/api/instances/${userId}?preservePvc=false`).catch(() => undefined);
      for (const record of [...await list('alice').catch(() => []), ...await list('carol').catch(() => [])]) {
        await api('DELETE', `/api/instances/${record.userId}/backups/${record.id}`).catch(() => undefined);
      }
      await manager.close();
    }
    if (namespace) await deleteNamespace(namespace);
    plugins?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 300_000);

  let first: BackupRecord;

  it('backs alice\'s data up as a VolumeSnapshot with her pod stopped for it, and she runs again', async () => {
    const created = await api('POST', '/api/instances', { userId: 'alice' });
    expect([201, 202], created.text).toContain(created.status);
    expect(await waitRunning<Instance>(api, 'alice', START_MS)).toMatchObject({ runtime: { node: REAL_NODE_NAME } });
    await writeData('alice', '# alice, before the backup\n', true);

    const began = Date.now();
    first = await backUp('alice');
    const took = seconds(began);
    expect(first).toMatchObject({ state: 'ready', consistency: 'stopped', wasRunning: true, error: null, location: `alice-openclaw-backup-${first.id}` });
    expect(first.offlineSeconds).toBeGreaterThan(0);
    expect(first.sizeBytes).toBeGreaterThan(0);
    const ready = await kubectl(['get', 'volumesnapshot', first.location, '-n', namespace, '-o', 'jsonpath={.status.readyToUse}/{.spec.volumeSnapshotClassName}/{.spec.source.persistentVolumeClaimName}']);
    expect(ready).toBe('true/csi-hostpath-snapclass/alice-openclaw-data');
    await waitRunning(api, 'alice', START_MS);
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', whatsapp: true });
    console.info(`backup of alice on the real node: ${took} s until ready, ${first.offlineSeconds} s offline, ${first.sizeBytes} bytes`);
  }, START_MS * 3);

  it('restores her data after it changed: the claim is made again from the snapshot through the chart', async () => {
    await writeData('alice', '# alice, changed since\n', false);
    expect(await readData('alice')).toEqual({ note: '# alice, changed since\n', whatsapp: false });
    const began = Date.now();
    const res = await api('POST', '/api/instances/alice/restore', { backupId: first.id });
    expect(res.status, res.text).toBe(200);
    const took = seconds(began);
    await waitRunning(api, 'alice', START_MS);
    expect(await readData('alice')).toEqual({ note: '# alice, before the backup\n', whatsapp: true });
    expect(await claimSource('alice')).toBe(`VolumeSnapshot/${first.location}`);
    const backups = await list('alice');
    expect(backups.map((b) => [b.reason, b.state])).toEqual([[`before restoring ${first.id}`, 'ready'], ['requested', 'ready']]);
    console.info(`restore of alice on the real node: ${took} s until it answered (safety backup included)`);
    // A later change of the release keeps the claim's source as it is (an immutable field).
    expect((await api('POST', '/api/instances/alice/stop')).status).toBe(200);
    expect((await api('POST', '/api/instances/alice/start')).status).toBeLessThan(300);
    expect(await claimSource('alice')).toBe(`VolumeSnapshot/${first.location}`);
    await waitRunning(api, 'alice', START_MS);
  }, START_MS * 3);

  it('creates carol from alice\'s backup; she reads alice\'s data, then goes', async () => {
    // One gateway at a time on this machine.
    expect((await api('POST', '/api/instances/alice/stop')).status).toBe(200);
    const res = await api('POST', '/api/instances', { userId: 'carol', fromBackup: { userId: 'alice', backupId: first.id } });
    expect([201, 202], res.text).toContain(res.status);
    await waitRunning(api, 'carol', START_MS);
    expect(await readData('carol')).toEqual({ note: '# alice, before the backup\n', whatsapp: true });
    expect(await claimSource('carol')).toBe(`VolumeSnapshot/${first.location}`);
    expect((await api('DELETE', '/api/instances/carol?preservePvc=false')).status).toBe(200);
    await waitFor('carol\'s claim gone', async () => ((await kubectlRun(['get', 'pvc', 'carol-openclaw-data', '-n', namespace])).exitCode !== 0 ? true : undefined), 120_000);
  }, START_MS * 2);

  it('keeps the newest N backups and deletes one on request, their VolumeSnapshots with them', async () => {
    const online = await backUp('alice', { consistency: 'online' });
    expect(online).toMatchObject({ state: 'ready', consistency: 'online', wasRunning: false, offlineSeconds: 0 });
    const kept = await list('alice');
    expect(kept.map((b) => b.id)).toEqual([online.id, kept[1]?.id]);
    expect(kept.map((b) => b.id)).not.toContain(first.id);
    await waitFor('the oldest VolumeSnapshot gone', async () => ((await snapshots()).includes(first.location) ? undefined : true), 60_000);
    const res = await api('DELETE', `/api/instances/alice/backups/${online.id}`);
    expect(res.status, res.text).toBe(200);
    await waitFor('the deleted VolumeSnapshot gone', async () => ((await snapshots()).includes(online.location) ? undefined : true), 60_000);
    expect(await snapshots()).toEqual([kept[1]?.location]);
    expect((await api('GET', `/api/instances/alice/backups/${online.id}`)).status).toBe(404);
  }, 300_000);

  it('exports a backup through a transfer pod, moves it through the local runtime and back, and dave starts with it', async () => {
    const [kept] = await list('alice');
    const exported = await fetch(`${manager.http.url}/api/instances/alice/backups/${kept?.id}/export`, { headers: { Authorization: `Bearer ${HELM_MANAGER_KEY}` } });
    expect(exported.status).toBe(200);
    const fromCluster = Buffer.from(await exported.arrayBuffer());
    expect(execFileSync('tar', ['--list', '--gzip'], { input: fromCluster, encoding: 'utf8' }).split('\n')).toContain('./openclaw.json');

    // Into a manager on the local runtime's store and out of it again: the archive is the same format.
    const local = new LocalBackups({
      dataDir: path.join(work, 'local'), env: { PATH: process.env.PATH ?? '' }, stateDir: (u) => path.join(work, 'local', u, 'state'),
      whileStopped: () => Promise.reject(new Error('not used')),
    });
    const copied = await local.importArchive('dave', '0123456789ab', Readable.from([fromCluster]), 1024 ** 3);
    expect(copied.sizeBytes).toBeGreaterThan(0);
    const record = { ...kept, userId: 'dave', id: '0123456789ab', location: copied.location } as BackupRecord;
    const fromLocal = Buffer.concat(await Readable.from(await local.exportArchive(record)).toArray() as Buffer[]);

    const imported = await manager.http.request('POST', '/api/instances/dave/backups/import', {
      key: HELM_MANAGER_KEY, body: fromLocal, headers: { 'Content-Type': 'application/gzip' },
    });
    expect(imported.status, imported.text).toBe(201);
    const daves = imported.body as BackupRecord;
    expect(daves).toMatchObject({ userId: 'dave', state: 'ready', reason: 'imported', location: `dave-openclaw-backup-${daves.id}` });
    expect(await kubectl(['get', 'volumesnapshot', daves.location, '-n', namespace, '-o', 'jsonpath={.status.readyToUse}'])).toBe('true');
    // The transfers left nothing behind.
    await waitFor('the transfer pods and claims gone', async () => ((await kubectl(['get', 'pods,pvc', '-n', namespace, '-l', 'openclaw.ai/transfer-of', '-o', 'name'])) === '' ? true : undefined), 120_000);

    const bad = await manager.http.request('POST', '/api/instances/dave/backups/import', {
      key: HELM_MANAGER_KEY, body: Buffer.from('not an archive'), headers: { 'Content-Type': 'application/gzip' },
    });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_ARCHIVE' });

    const created = await api('POST', '/api/instances', { userId: 'dave', fromBackup: { userId: 'dave', backupId: daves.id } });
    expect([201, 202], created.text).toContain(created.status);
    await waitRunning(api, 'dave', START_MS);
    // The backup kept is the one the restore took first: the data alice had then.
    expect(kept?.reason).toBe(`before restoring ${first.id}`);
    expect(await readData('dave')).toEqual({ note: '# alice, changed since\n', whatsapp: false });
    expect((await api('DELETE', '/api/instances/dave?preservePvc=false')).status).toBe(200);
    await api('DELETE', `/api/instances/dave/backups/${daves.id}`);
  }, START_MS * 2);
});

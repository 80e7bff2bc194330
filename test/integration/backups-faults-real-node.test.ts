// Faults in the middle of backups and restores on Kubernetes, with alice's pod a real container on
// the test cluster's real node and her data on the hostpath CSI driver. The manager runs as its own
// process, so it can be killed for real; the shared cluster's API server is killed and started again
// (suites run one at a time). Each strike lands on a watch event: her pod gone (a backup has stopped
// her and is about to copy) or her data claim being deleted (a restore is replacing it). Afterwards
// she runs as before on whole data, every VolumeSnapshot has a record, and the next attempt works.
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import { sharedApiServer } from '../support/api-server-control.js';
import { csiBackupSettings, volumeSnapshots } from '../support/csi-backups.js';
import { gatewayData } from '../support/gateway-data.js';
import { helmManagerEnv, helmPlugins } from '../support/helm-manager.js';
import type { PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { startManagerProcess, waitRunning, type ManagerProcess } from '../support/manager-process.js';
import { watchObjects } from '../support/object-watch.js';
import { restrictedNamespace } from '../support/real-node.js';

// A real gateway start on this node takes one to a few minutes.
const START_MS = 420_000;
const INTERRUPTED = 'interrupted: the manager stopped while the backup was taken';

describe('faults in the middle of backups and restores on the real node', () => {
  let namespace: string;
  let plugins: PluginHome;
  let env: Record<string, string>;
  let manager: ManagerProcess;
  let work: string;
  const apiServer = sharedApiServer();
  const kubeconfig = (): string => process.env.KUBECONFIG ?? '';
  const api = (method: string, p: string, body?: unknown) => manager.api(method, p, body);
  const data = gatewayData(() => api);
  const startManager = async (): Promise<ManagerProcess> => {
    // Settling an interrupted restore (the data put back through the chart) runs before it serves.
    manager = await startManagerProcess({ env, readyTimeoutMs: 240_000 });
    return manager;
  };

  const record = async (id: string): Promise<BackupRecord> => {
    const res = await api('GET', `/api/instances/alice/backups/${id}`);
    expect(res.status, res.text).toBe(200);
    return res.body as BackupRecord;
  };
  const settled = (id: string): Promise<BackupRecord> => waitFor(`backup ${id} settled`, async () => {
    const current = await record(id);
    return current.state === 'pending' ? undefined : current;
  }, START_MS);
  const list = async (): Promise<BackupRecord[]> => ((await api('GET', '/api/instances/alice/backups')).body as { backups: BackupRecord[] }).backups;
  const snapshots = (): Promise<string[]> => volumeSnapshots(namespace);

  /** Runs `strike` from the watch event of alice's pod being deleted (the backup stopped her). */
  const whenPodGone = (strike: () => void) => watchObjects<V1Pod>(
    kubeconfig(), `/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'openclaw.ai/user=alice' },
    (type) => type === 'DELETED', strike,
  );
  /** Runs `strike` from the watch event of alice's data claim starting to go (the restore replaces it). */
  const whenClaimDeleted = (strike: () => void) => watchObjects<V1PersistentVolumeClaim>(
    kubeconfig(), `/api/v1/namespaces/${namespace}/persistentvolumeclaims`, { fieldSelector: 'metadata.name=alice-openclaw-data' },
    (type, claim) => type === 'DELETED' || claim.metadata?.deletionTimestamp !== undefined, strike,
  );
  /** The API server away for a few seconds, then back. */
  const cutApiServer = async (): Promise<void> => {
    const killed = apiServer.pid();
    await new Promise((r) => setTimeout(r, 3000));
    await apiServer.start();
    expect(apiServer.pid()).not.toBe(killed);
  };

  beforeAll(async () => {
    namespace = await restrictedNamespace('backup-faults');
    plugins = await helmPlugins();
    work = mkdtempSync(path.join(tmpdir(), 'backups-faults-'));
    env = helmManagerEnv(plugins, { namespace, env: { ...csiBackupSettings(work, inject('instanceImage')), OPENCLAW_LOG_LEVEL: 'info' } });
    await startManager();
    const created = await api('POST', '/api/instances', { userId: 'alice' });
    expect([201, 202], created.text).toContain(created.status);
    await waitRunning(api, 'alice', START_MS);
    await data.write('alice', '# alice, first\n', true);
  }, START_MS + 120_000);

  afterAll(async () => {
    // A failed strike must not leave the shared cluster without its API server.
    await apiServer.start().catch(() => undefined);
    if (manager) {
      await api('DELETE', '/api/instances/alice?preservePvc=false').catch(() => undefined);
      for (const backup of await list().catch(() => [])) await api('DELETE', `/api/instances/alice/backups/${backup.id}`).catch(() => undefined);
      await manager.stop();
    }
    if (namespace) await deleteNamespace(namespace);
    plugins?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 300_000);

  it('the manager killed mid-backup: the next one fails the record as interrupted, leaves no copy and runs alice again', async () => {
    const watch = await whenPodGone(() => void manager.crash('process'));
    const begun = await api('POST', '/api/instances/alice/backups');
    expect(begun.status, begun.text).toBe(202);
    const { id } = begun.body as BackupRecord;
    await watch.reached;
    watch.stop();
    await manager.exited;

    await startManager();
    expect(await record(id)).toMatchObject({ state: 'failed', error: INTERRUPTED });
    await waitFor('no VolumeSnapshot of the interrupted backup', async () => ((await snapshots()).length === 0 ? true : undefined), 60_000);
    await waitRunning(api, 'alice', START_MS);
    expect(await data.read('alice')).toEqual({ note: '# alice, first\n', whatsapp: true });
  }, START_MS * 2);

  let backup: BackupRecord;

  it('the API server killed mid-backup: the backup waits for it and completes, and alice runs as before', async () => {
    const watch = await whenPodGone(() => apiServer.kill());
    const begun = await api('POST', '/api/instances/alice/backups');
    expect(begun.status, begun.text).toBe(202);
    await watch.reached;
    watch.stop();
    await cutApiServer();

    backup = await settled((begun.body as BackupRecord).id);
    expect(backup).toMatchObject({ state: 'ready', wasRunning: true, error: null, location: `alice-openclaw-backup-${backup.id}` });
    expect(await snapshots()).toEqual([backup.location]);
    await waitRunning(api, 'alice', START_MS);
    expect(await data.read('alice')).toEqual({ note: '# alice, first\n', whatsapp: true });
    expect(manager.logs()).toContain('the cluster does not answer; waiting for it');
  }, START_MS * 2);

  it('the API server killed mid-restore, while her claim is replaced: the restore waits for it and completes', async () => {
    await data.write('alice', '# alice, second\n', false);
    const watch = await whenClaimDeleted(() => apiServer.kill());
    const answer = api('POST', '/api/instances/alice/restore', { backupId: backup.id });
    await watch.reached;
    watch.stop();
    await cutApiServer();

    const res = await answer;
    expect(res.status, res.text).toBe(200);
    await waitRunning(api, 'alice', START_MS);
    expect(await data.read('alice')).toEqual({ note: '# alice, first\n', whatsapp: true });
    const backups = await list();
    expect(backups.map((b) => [b.reason, b.state])).toEqual([[`before restoring ${backup.id}`, 'ready'], ['requested', 'ready'], ['requested', 'failed']]);
  }, START_MS * 2);

  it('the manager killed mid-restore, while her claim is replaced: the next one puts her data back, and the restore then works', async () => {
    const [secondData] = await list();
    expect(secondData?.reason).toBe(`before restoring ${backup.id}`);
    const watch = await whenClaimDeleted(() => void manager.crash('group'));
    const answer = api('POST', '/api/instances/alice/restore', { backupId: secondData?.id }).catch((err: unknown) => err);
    await watch.reached;
    watch.stop();
    expect(await answer).toBeInstanceOf(Error);
    await manager.exited;

    await startManager();
    await waitRunning(api, 'alice', START_MS);
    expect(await data.read('alice')).toEqual({ note: '# alice, first\n', whatsapp: true });
    const again = await api('POST', '/api/instances/alice/restore', { backupId: secondData?.id });
    expect(again.status, again.text).toBe(200);
    await waitRunning(api, 'alice', START_MS);
    expect(await data.read('alice')).toEqual({ note: '# alice, second\n', whatsapp: false });

    // Every copy has a record, every record is settled, no restore is left under way, no claim but hers.
    const backups = await list();
    expect(backups.every((b) => b.state !== 'pending')).toBe(true);
    expect(await snapshots()).toEqual(backups.filter((b) => b.state === 'ready').map((b) => b.location).sort());
    expect(await kubectl(['get', 'configmap', 'alice-openclaw-backups', '-n', namespace, '-o', 'jsonpath={.data.restore\\.json}'])).toBe('');
    expect(await kubectl(['get', 'pvc', '-n', namespace, '-o', 'name'])).toBe('persistentvolumeclaim/alice-openclaw-data');
  }, START_MS * 3);
});

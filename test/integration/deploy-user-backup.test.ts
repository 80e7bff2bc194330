// scripts/deploy-user.sh backup, backups and restore on the test cluster's real node, with alice's
// data on the hostpath CSI driver (scripts/lib/csi.sh): a marker file in her data is backed up as a
// VolumeSnapshot with her pod stopped for it, changed, and put back by a restore that first takes a
// safety snapshot and then makes her claim again from the backup through the chart; a snapshot that
// fails is deleted and she runs again. The manager's stray-copy cleanup leaves the script's snapshots
// alone. One user: a real instance costs 1-2 GB and
// the machine's two cores are shared.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../manager/src/logger.js';
import { SnapshotBackups } from '../../manager/src/runtime/helm/snapshot-backups.js';
import { CSI_SNAPSHOT_CLASS, CSI_STORAGE_CLASS, volumeSnapshots } from '../support/csi-backups.js';
import { helmPlugins } from '../support/helm-manager.js';
import { REPO_ROOT, runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, getObject, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { REAL_NODE_NAME, REAL_NODE_VALUES, execInPod, restrictedNamespace, userPods, waitForReadyPod } from '../support/real-node.js';

const MARKER = '/data/openclaw/marker';
// A real gateway start on this node takes one to a few minutes; a backup or restore waits for one.
const START_MS = 420_000;

interface VolumeSnapshot {
  metadata: { labels?: Record<string, string> };
  spec: { volumeSnapshotClassName?: string; source: { persistentVolumeClaimName?: string } };
  status?: { readyToUse?: boolean; boundVolumeSnapshotContentName?: string };
}

describe('deploy-user.sh backup, backups and restore', () => {
  let namespace: string;
  let plugins: PluginHome;
  let work: string;
  let backup: string;
  let safety: string;

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(plugins.env as Record<string, string>),
    NAMESPACE: namespace,
    HELM_BIN: process.env.HELM_BIN ?? '',
    KUBECTL: process.env.KUBECTL ?? '',
    KUBECONFIG: process.env.KUBECONFIG ?? '',
    TIMEOUT: '7m',
    ...extra,
  });
  const script = (args: string[], extra?: Record<string, string>) =>
    execa('bash', ['scripts/deploy-user.sh', ...args], { cwd: REPO_ROOT, env: env(extra), extendEnv: false, reject: false });
  const marker = async (): Promise<string> => {
    const [pod] = await userPods(namespace, 'alice');
    const read = await execInPod(namespace, pod?.name ?? '', `cat ${MARKER}`);
    expect(read.exitCode, read.stderr).toBe(0);
    return read.stdout.trim();
  };
  const writeMarker = async (text: string): Promise<void> => {
    const [pod] = await userPods(namespace, 'alice');
    const write = await execInPod(namespace, pod?.name ?? '', `echo ${text} > ${MARKER}`);
    expect(write.exitCode, write.stderr).toBe(0);
  };
  const snapshot = async (name: string): Promise<VolumeSnapshot | undefined> => getObject<VolumeSnapshot>('volumesnapshot', name, namespace);
  const snapshotNames = (): Promise<string[]> => volumeSnapshots(namespace);
  const revision = async (): Promise<number> => {
    const history = await runHelm(['history', 'alice-openclaw', '-n', namespace, '-o', 'json'], { env: plugins.env });
    expect(history.exitCode, history.stderr).toBe(0);
    return Math.max(...(JSON.parse(history.stdout) as { revision: number }[]).map((r) => r.revision));
  };
  const values = async (): Promise<{ replicas?: number; persistence?: { restoreFrom?: string } }> =>
    JSON.parse((await runHelm(['get', 'values', 'alice-openclaw', '-n', namespace, '-o', 'json'], { env: plugins.env })).stdout) as { replicas?: number; persistence?: { restoreFrom?: string } };
  /** What alice runs now and keeps her data in: her pod's uid, her claim's uid and the release's revision. */
  const state = async (): Promise<string[]> => {
    const pods = await userPods(namespace, 'alice');
    const claim = await getObject<V1PersistentVolumeClaim>('pvc', 'alice-openclaw-data', namespace);
    return [...pods.map((p) => p.uid), claim?.metadata?.uid ?? 'no claim', String(await revision())];
  };
  /** The file as the snapshot holds it: the driver keeps a snapshot as a directory under the cluster's state. */
  const inSnapshot = async (name: string, file: string): Promise<string> => {
    const content = await kubectl(['get', 'volumesnapshotcontent', (await snapshot(name))?.status?.boundVolumeSnapshotContentName ?? '', '-o', 'jsonpath={.status.snapshotHandle}']);
    return readFileSync(path.join(path.dirname(inject('kubeconfig')), 'csi', 'snapshots', content, 'data', file), 'utf8').trim();
  };

  beforeAll(async () => {
    const image = inject('instanceImage');
    namespace = await restrictedNamespace('deploy-backup');
    plugins = await helmPlugins();
    work = mkdtempSync(path.join(tmpdir(), 'deploy-user-backup-'));
    const aliceValues = path.join(work, 'alice.yaml');
    writeFileSync(aliceValues, [
      'userId: alice',
      `image: {repository: ${image.repository}, tag: ${image.tag}}`,
      `persistence: {storageClass: ${CSI_STORAGE_CLASS}, size: 1Gi}`,
    ].join('\n'));
    const installed = await script(['install', 'alice', aliceValues], { EXTRA_VALUES: path.resolve(REPO_ROOT, REAL_NODE_VALUES) });
    expect(installed.exitCode, installed.stderr).toBe(0);
    expect(await waitForReadyPod(namespace, 'alice')).toMatchObject({ nodeName: REAL_NODE_NAME });
    await writeMarker('original');
  }, START_MS + 60_000);

  afterAll(async () => {
    if (namespace) {
      if (plugins) await runHelm(['uninstall', 'alice-openclaw', '-n', namespace, '--wait'], { env: plugins.env });
      await kubectlRun(['delete', 'volumesnapshots,pvc', '--all', '-n', namespace, '--wait=true', '--timeout=120s']);
      await deleteNamespace(namespace);
      await waitFor(`namespace ${namespace} gone`, async () =>
        ((await kubectlRun(['get', 'namespace', namespace])).exitCode === 0 ? undefined : true), 180_000);
    }
    plugins?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 400_000);

  it('refuses bad arguments with exit 2 before touching anything', async () => {
    const before = await state();
    for (const [args, message] of [
      [['backup', 'Alice'], /^error: invalid userId 'Alice'/],
      [['backup', 'alice', 'Bad_Class'], /^error: invalid VolumeSnapshotClass name 'Bad_Class'/],
      [['backups', 'alice-'], /^error: invalid userId 'alice-'/],
      [['restore', 'alice', 'alice-openclaw-backup-NOT'], /^error: invalid VolumeSnapshot name/],
      [['restore', 'alice', 'a'.repeat(254)], /^error: invalid VolumeSnapshot name/],
      [['restore', 'alice'], /deploy-user\.sh restore <userId> <snapshot>/],
      [['backups', 'alice', 'extra'], /deploy-user\.sh backups <userId>/],
    ] as const) {
      const run = await script([...args]);
      expect(run.exitCode, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    const slow = await script(['backup', 'alice'], { TIMEOUT: 'soon' });
    expect(slow.exitCode).toBe(2);
    expect(slow.stderr).toBe("error: TIMEOUT must be a duration like 10m, 90s or 1h30m, got 'soon'");
    expect(await snapshotNames()).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('exits 1 with the snapshot controller\'s error when the snapshot fails, deletes it and starts alice again', async () => {
    const stoppedPod = (await userPods(namespace, 'alice'))[0]?.uid;
    // The test cluster has no default VolumeSnapshotClass: a snapshot without a class fails for good.
    const run = await script(['backup', 'alice']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: VolumeSnapshot alice-openclaw-backup-[0-9a-f]{12} failed: .*cannot find default snapshot class$/m);
    expect(run.stderr).toContain('==> starting alice again');
    await waitFor('the failed snapshot gone', async () => ((await snapshotNames()).length === 0 ? true : undefined), 60_000);
    expect((await waitForReadyPod(namespace, 'alice', stoppedPod)).uid).not.toBe(stoppedPod);
    expect((await values()).replicas).toBe(1);
    expect(await marker()).toBe('original');
  }, START_MS * 2);

  it('backs alice up as a ready VolumeSnapshot with her pod stopped for it, and starts her again', async () => {
    const stoppedPod = (await userPods(namespace, 'alice'))[0]?.uid;
    const run = await script(['backup', 'alice', CSI_SNAPSHOT_CLASS]);
    expect(run.exitCode, run.stderr).toBe(0);
    backup = run.stdout.trim();
    expect(backup).toMatch(/^alice-openclaw-backup-[0-9a-f]{12}$/);
    const offline = /alice was offline (\d+) s/.exec(run.stderr);
    expect(Number(offline?.[1]), run.stderr).toBeGreaterThan(0);
    console.info(`deploy-user.sh backup on the real node: alice offline ${offline?.[1]} s`);

    const taken = await snapshot(backup);
    expect(taken).toMatchObject({
      spec: { volumeSnapshotClassName: CSI_SNAPSHOT_CLASS, source: { persistentVolumeClaimName: 'alice-openclaw-data' } },
      status: { readyToUse: true },
    });
    expect(taken?.metadata.labels).toEqual({ 'openclaw.ai/user': 'alice', 'openclaw.ai/backup': backup.slice(-12), 'app.kubernetes.io/managed-by': 'deploy-user.sh' });
    expect(await inSnapshot(backup, 'openclaw/marker')).toBe('original');
    // A new pod: the old one was stopped for the copy.
    expect((await waitForReadyPod(namespace, 'alice', stoppedPod)).uid).not.toBe(stoppedPod);
    expect((await values()).replicas).toBe(1);
    expect(await marker()).toBe('original');
  }, START_MS * 2);

  it('restores alice\'s data after it changed, with a safety snapshot of the changed data first', async () => {
    await writeMarker('changed');
    expect(await marker()).toBe('changed');
    const claimBefore = (await getObject<V1PersistentVolumeClaim>('pvc', 'alice-openclaw-data', namespace))?.metadata?.uid;

    const run = await script(['restore', 'alice', backup]);
    expect(run.exitCode, run.stderr).toBe(0);
    safety = run.stdout.trim();
    expect(safety).toMatch(/^alice-openclaw-backup-[0-9a-f]{12}$/);
    expect(safety).not.toBe(backup);
    expect(run.stderr).toContain(`to undo: deploy-user.sh restore alice ${safety}`);

    await waitForReadyPod(namespace, 'alice');
    expect(await marker()).toBe('original');
    const claim = await getObject<V1PersistentVolumeClaim>('pvc', 'alice-openclaw-data', namespace);
    expect(claim?.metadata?.uid).not.toBe(claimBefore);
    expect(claim?.spec?.dataSource).toEqual({ apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: backup });
    expect(await values()).toMatchObject({ replicas: 1, persistence: { restoreFrom: backup } });
    // The safety snapshot, of the backup's class, holds the data as it was before the restore.
    expect(await snapshot(safety)).toMatchObject({ spec: { volumeSnapshotClassName: CSI_SNAPSHOT_CLASS }, status: { readyToUse: true } });
    expect(await inSnapshot(safety, 'openclaw/marker')).toBe('changed');
  }, START_MS * 2);

  it('lists both snapshots, oldest first; the manager\'s stray-copy cleanup finds neither', async () => {
    const run = await script(['backups', 'alice']);
    expect(run.exitCode, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.trim().split('\n').map((line) => line.split(/\s{2,}/));
    expect(header).toEqual(['NAME', 'READY', 'SIZE', 'CREATED', 'MADE BY']);
    expect(rows.map((r) => [r[0], r[1], r[4]])).toEqual([[backup, 'true', 'deploy-user.sh'], [safety, 'true', 'deploy-user.sh']]);
    for (const row of rows) {
      expect(row[2]).toMatch(/^\d+/);
      expect(row[3]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(inject('kubeconfig'));
    const manager = new SnapshotBackups({
      kubeConfig, namespace, logger: createLogger('warn'), snapshotClass: undefined, timeoutMs: 1_000,
      restoreClaim: () => Promise.reject(new Error('not used')), transferSource: () => undefined,
    });
    expect(await manager.strayCopies()).toEqual([]);
    expect(await snapshotNames()).toEqual([backup, safety].sort());
  });

  it('refuses a restore from a snapshot of another user\'s volume, or from none, and touches nothing', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'List', items: [
          {
            apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bob-openclaw-data' },
            spec: { storageClassName: CSI_STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
          {
            apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'bob-snapshot' },
            spec: { volumeSnapshotClassName: CSI_SNAPSHOT_CLASS, source: { persistentVolumeClaimName: 'bob-openclaw-data' } },
          },
        ],
      }),
    });
    await waitFor('bob\'s snapshot ready', async () => ((await snapshot('bob-snapshot'))?.status?.readyToUse === true ? true : undefined), 120_000);
    const before = await state();

    const other = await script(['restore', 'alice', 'bob-snapshot']);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("error: refusing: VolumeSnapshot bob-snapshot is a copy of PVC bob-openclaw-data, not of alice's data volume alice-openclaw-data");
    const missing = await script(['restore', 'alice', 'alice-openclaw-backup-000000000000']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('error: refusing: there is no VolumeSnapshot alice-openclaw-backup-000000000000');

    expect(await state()).toEqual(before);
    expect(await snapshotNames()).toEqual([backup, 'bob-snapshot', safety].sort());
    expect(await marker()).toBe('original');
  }, 180_000);
});

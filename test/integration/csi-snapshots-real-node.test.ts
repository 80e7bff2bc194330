// Volume snapshots on the test cluster's real node: claims of the StorageClass csi-hostpath are
// directories on this machine made by the cluster's CSI driver (scripts/lib/csi.sh) under the
// upstream csi-provisioner, csi-snapshotter and snapshot-controller. A pod writes a file as uid
// 1000, a VolumeSnapshot copies the volume, the file changes, and a claim restored from the snapshot
// holds the file as it was, still owned by uid 1000. Deleting the snapshot and the claims removes
// their directories.
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteNamespace, getObject, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { REAL_NODE_LABEL, REAL_NODE_NAME, REAL_NODE_TOLERATION, restrictedNamespace } from '../support/real-node.js';

const STORAGE_CLASS = 'csi-hostpath';
const SNAPSHOT_CLASS = 'csi-hostpath-snapclass';
const UID = 1000;

interface VolumeSnapshot {
  status?: { readyToUse?: boolean; boundVolumeSnapshotContentName?: string; restoreSize?: string; error?: { message?: string } };
}
interface VolumeSnapshotContent {
  status?: { snapshotHandle?: string };
}

describe('CSI volume snapshots on the real node', () => {
  // The driver keeps its volumes and snapshots under the cluster's state (scripts/lib/csi.sh).
  const csiRoot = path.join(path.dirname(inject('kubeconfig')), 'csi');
  const volumeDir = (handle: string) => path.join(csiRoot, 'volumes', handle);
  const snapshotDir = (handle: string) => path.join(csiRoot, 'snapshots', handle);
  let namespace: string;
  /** Each claim's PersistentVolume and the CSI handle that names its directory. */
  const volumes = new Map<string, { pv: string; handle: string }>();
  let snapshotHandle: string;

  const apply = (object: Record<string, unknown>) => kubectl(['apply', '-n', namespace, '-f', '-'], { input: JSON.stringify(object) });

  const claim = (name: string, dataSource?: Record<string, string>) => apply({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name },
    spec: { storageClassName: STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(dataSource ? { dataSource } : {}) },
  });

  /** Waits until the claim is Bound; returns its volume's CSI handle, which names its directory. */
  async function boundVolume(name: string): Promise<string> {
    const volumeName = await waitFor(`claim ${name} Bound`, async () => {
      const pvc = await getObject<V1PersistentVolumeClaim>('pvc', name, namespace);
      return pvc?.status?.phase === 'Bound' ? pvc.spec?.volumeName : undefined;
    }, 120_000);
    const pv = JSON.parse(await kubectl(['get', 'pv', volumeName, '-o', 'json'])) as V1PersistentVolume;
    expect(pv.spec?.csi?.driver).toBe('hostpath.csi.test-cluster.openclaw.ai');
    const handle = pv.spec?.csi?.volumeHandle ?? '';
    volumes.set(name, { pv: volumeName, handle });
    return handle;
  }

  /**
   * Runs `script` with sh in the instance image on the real node, as uid 1000 with fsGroup 1000 under
   * Pod Security "restricted", with the claim at /data; resolves with its output once it exited 0.
   */
  async function runPod(name: string, claimName: string, script: string): Promise<string> {
    const image = inject('instanceImage');
    await apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        nodeSelector: REAL_NODE_LABEL, tolerations: [REAL_NODE_TOLERATION], restartPolicy: 'Never',
        securityContext: { runAsNonRoot: true, runAsUser: UID, runAsGroup: UID, fsGroup: UID, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'shell', image: `${image.repository}:${image.tag}`, imagePullPolicy: 'Never', command: ['sh', '-c', script],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
      },
    });
    const pod = await waitFor(`pod ${name} to finish`, async () => {
      const current = await getObject<V1Pod>('pod', name, namespace);
      return current?.status?.phase === 'Succeeded' || current?.status?.phase === 'Failed' ? current : undefined;
    }, 180_000);
    const logs = await kubectl(['logs', '-n', namespace, name]);
    expect(pod.spec?.nodeName).toBe(REAL_NODE_NAME);
    expect(pod.status?.phase, logs).toBe('Succeeded');
    await kubectl(['delete', 'pod', name, '-n', namespace, '--wait=true']);
    return logs.trim();
  }

  const snapshot = () => getObject<VolumeSnapshot>('volumesnapshot', 'backup', namespace);

  beforeAll(async () => {
    namespace = await restrictedNamespace('csi-snap');
  });

  // The namespace takes the claims and the snapshot along; the controllers then delete the volumes,
  // the snapshot content and their directories. Waited for, so no suite after this one sees them.
  afterAll(async () => {
    if (!namespace) return;
    await deleteNamespace(namespace);
    await waitFor(`namespace ${namespace} gone`, async () =>
      ((await kubectlRun(['get', 'namespace', namespace])).exitCode === 0 ? undefined : true), 180_000);
    await waitFor('the volumes and snapshot of the suite gone', async () => {
      const dirs = [...volumes.values()].map(({ handle }) => volumeDir(handle));
      if (snapshotHandle) dirs.push(snapshotDir(snapshotHandle));
      return dirs.some((dir) => existsSync(dir)) ? undefined : true;
    }, 120_000);
  }, 400_000);

  it('binds a csi-hostpath claim to a directory on this machine, which a pod on the real node writes as uid 1000', async () => {
    await claim('source');
    const handle = await boundVolume('source');
    expect(statSync(volumeDir(handle)).isDirectory()).toBe(true);
    expect(await runPod('writer', 'source', 'printf original > /data/note && id -u')).toBe(String(UID));
    const file = path.join(volumeDir(handle), 'note');
    expect(readFileSync(file, 'utf8')).toBe('original');
    expect(statSync(file).uid).toBe(UID);
    // fsGroupPolicy File: the kubelet gave the volume to the pod's fsGroup.
    expect(statSync(volumeDir(handle)).gid).toBe(UID);
  });

  it('takes a VolumeSnapshot that becomes ready to use, a copy of the volume', async () => {
    await apply({
      apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'backup' },
      spec: { volumeSnapshotClassName: SNAPSHOT_CLASS, source: { persistentVolumeClaimName: 'source' } },
    });
    const ready = await waitFor('VolumeSnapshot backup ready to use', async () => {
      const current = await snapshot();
      if (current?.status?.error?.message) throw new Error(`VolumeSnapshot backup failed: ${current.status.error.message}`);
      return current?.status?.readyToUse ? current : undefined;
    }, 120_000);
    const content = JSON.parse(await kubectl(['get', 'volumesnapshotcontent', ready.status?.boundVolumeSnapshotContentName ?? '', '-o', 'json'])) as VolumeSnapshotContent;
    snapshotHandle = content.status?.snapshotHandle ?? '';
    expect(snapshotHandle).not.toBe('');
    const copy = path.join(snapshotDir(snapshotHandle), 'data', 'note');
    expect(readFileSync(copy, 'utf8')).toBe('original');
    expect(statSync(copy).uid).toBe(UID);
  });

  it('restores a new claim from the snapshot with the file as it was when taken, owned by uid 1000', async () => {
    expect(await runPod('changer', 'source', 'printf changed > /data/note && cat /data/note')).toBe('changed');
    await claim('restored', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'backup' });
    const handle = await boundVolume('restored');
    const source = volumes.get('source')?.handle ?? '';
    expect(handle).not.toBe(source);
    expect(await runPod('reader', 'restored', 'cat /data/note && echo && stat -c "%u %g" /data/note')).toBe(`original\n${UID} ${UID}`);
    expect(readFileSync(path.join(volumeDir(source), 'note'), 'utf8')).toBe('changed');
  });

  it('removes the snapshot directory when the VolumeSnapshot is deleted', async () => {
    await kubectl(['delete', 'volumesnapshot', 'backup', '-n', namespace, '--wait=true']);
    await waitFor(`snapshot directory ${snapshotHandle} gone`, async () => (existsSync(snapshotDir(snapshotHandle)) ? undefined : true), 60_000);
  });

  it('removes the volume directories when the claims are deleted', async () => {
    await kubectl(['delete', 'pvc', 'source', 'restored', '-n', namespace, '--wait=true']);
    for (const [name, { pv, handle }] of volumes) {
      await waitFor(`claim ${name}'s volume and directory gone`, async () =>
        (existsSync(volumeDir(handle)) || (await kubectlRun(['get', 'pv', pv])).exitCode === 0 ? undefined : true), 60_000);
    }
  });
});

// Backups on the test cluster's real node: instances placed there with their data on the hostpath
// CSI driver (scripts/lib/csi.sh), backed up with its VolumeSnapshotClass.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubectl } from './kube.js';
import { REAL_NODE_VALUES } from './real-node.js';
import type { ImageRef } from './setup-cluster.js';

export const CSI_STORAGE_CLASS = 'csi-hostpath';
export const CSI_SNAPSHOT_CLASS = 'csi-hostpath-snapclass';

/** Manager settings for instances of `image` on the real node with CSI data; writes a values file into `dir`. */
export function csiBackupSettings(dir: string, image: ImageRef): Record<string, string> {
  const storage = path.join(dir, 'csi-storage.yaml');
  writeFileSync(storage, `persistence:\n  storageClass: ${CSI_STORAGE_CLASS}\n  size: 1Gi\n`);
  return {
    OPENCLAW_IMAGE_REPO: image.repository,
    OPENCLAW_IMAGE_TAG: image.tag,
    OPENCLAW_VALUES_FILES: `${path.resolve(REAL_NODE_VALUES)},${storage}`,
    OPENCLAW_BACKUP_SNAPSHOT_CLASS: CSI_SNAPSHOT_CLASS,
  };
}

/** Names of the VolumeSnapshots in `namespace`, sorted. */
export async function volumeSnapshots(namespace: string): Promise<string[]> {
  const names = await kubectl(['get', 'volumesnapshots', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
  return names.split('\n').filter(Boolean).sort();
}

// Pure: the VolumeSnapshot a user's data claim is made from (the chart's persistence.restoreFrom),
// and whether a render may be applied over the claim that exists. A claim's spec.dataSource is
// immutable: the API server keeps it when a render leaves it out (it is filled in again from
// spec.dataSourceRef), but refuses a render that names another snapshot, or one for a claim made
// blank (seen on the test cluster's kube-apiserver 1.35). The value lives in the release's values
// and is carried to every later upgrade like image.tag; a restore deletes the claim first.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';

/** `persistence.restoreFrom` in a revision's values (`helm get values --all -o json`); '' when unset. */
export function revisionRestoreFrom(valuesJson: string): string {
  const values = JSON.parse(valuesJson === '' ? '{}' : valuesJson) as { persistence?: { restoreFrom?: unknown } } | null;
  const restoreFrom = values?.persistence?.restoreFrom;
  return typeof restoreFrom === 'string' ? restoreFrom : '';
}

/**
 * Whether a render with `restoreFrom` can be applied over `claim`: always when there is no claim (the
 * render makes it) or no restoreFrom, else only when it names the snapshot the claim was made from.
 */
export function claimAccepts(claim: V1PersistentVolumeClaim | undefined, restoreFrom: string): boolean {
  if (claim === undefined || restoreFrom === '') return true;
  const source = claim.spec?.dataSource;
  return source?.apiGroup === 'snapshot.storage.k8s.io' && source.kind === 'VolumeSnapshot' && source.name === restoreFrom;
}

// Watches helm's release records (Secrets sh.helm.release.v1.<release>.v<n>, labelled owner=helm,
// name=<release>, status=<status>) so a fault test can strike at an exact point of an install, e.g.
// right after the record says pending-install and before helm has made every object.
import type { V1Secret } from '@kubernetes/client-node';
import { watchObjects, type ObjectWatch } from './object-watch.js';

/** Calls `onReached` from the watch event itself when the release's record first shows `status`. */
export function watchReleaseStatus(
  kubeconfig: string,
  namespace: string,
  release: string,
  status: string,
  onReached: () => void,
): Promise<ObjectWatch> {
  return watchObjects<V1Secret>(
    kubeconfig, `/api/v1/namespaces/${namespace}/secrets`, { labelSelector: `owner=helm,name=${release}` },
    (_type, secret) => secret.metadata?.labels?.status === status,
    onReached,
  );
}

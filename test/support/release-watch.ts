// Watches helm's release records (Secrets sh.helm.release.v1.<release>.v<n>, labelled owner=helm,
// name=<release>, status=<status>) so a fault test can strike at an exact point of an install, e.g.
// right after the record says pending-install and before helm has made every object.
import { KubeConfig, Watch, type V1Secret } from '@kubernetes/client-node';

export interface ReleaseWatch {
  /** Resolves once the record reached the status (after `onReached` ran). */
  readonly reached: Promise<void>;
  stop(): void;
}

/**
 * Calls `onReached` from the watch event itself (no polling delay) when the release's record first
 * shows `status`.
 */
export async function watchReleaseStatus(
  kubeconfig: string,
  namespace: string,
  release: string,
  status: string,
  onReached: () => void,
): Promise<ReleaseWatch> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  let done = false;
  const request = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/secrets`,
    { labelSelector: `owner=helm,name=${release}` },
    (_type: string, secret: V1Secret) => {
      if (done || secret.metadata?.labels?.status !== status) return;
      done = true;
      onReached();
      resolve();
    },
    () => undefined,
  );
  return { reached, stop: () => request.abort() };
}

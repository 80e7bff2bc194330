// Watches Kubernetes objects so a fault test can strike at an exact point of an operation, from the
// watch event itself (no polling delay): e.g. when helm's release record turns pending-install, a pod
// is gone, or a claim starts to be deleted.
import { KubeConfig, Watch, type KubernetesObject } from '@kubernetes/client-node';

export interface ObjectWatch {
  /** Resolves once an event matched (after `onMatch` ran). */
  readonly reached: Promise<void>;
  stop(): void;
}

/** Calls `onMatch` once, on the first event of the objects under `apiPath` that `matches`. */
export async function watchObjects<T extends KubernetesObject>(
  kubeconfig: string,
  apiPath: string,
  query: { labelSelector?: string; fieldSelector?: string },
  matches: (type: string, object: T) => boolean,
  onMatch: () => void,
): Promise<ObjectWatch> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  let resolve!: () => void;
  const reached = new Promise<void>((r) => (resolve = r));
  let done = false;
  const request = await new Watch(kc).watch(apiPath, query, (type: string, object: T) => {
    if (done || !matches(type, object)) return;
    done = true;
    onMatch();
    resolve();
  }, () => undefined);
  return { reached, stop: () => request.abort() };
}

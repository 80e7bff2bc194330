// Pure: where a Deployment's rollout to an image tag stands. "done" needs the controller to have seen
// the new spec and every replica to be updated and available, which is also what `kubectl rollout
// status` and a watch on the Deployment count as available; the next instance of a fleet upgrade
// starts only then, so at no moment are more than maxUnavailable instances down.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { currentPod, describeInstance, imageTagOf } from './instance-status.js';

export type RolloutState =
  | { readonly state: 'done' }
  | { readonly state: 'stopped' }
  | { readonly state: 'progressing'; readonly message: string }
  | { readonly state: 'failed'; readonly message: string };

function mainImage(deployment: V1Deployment): string {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  return (containers.find((c) => c.name === 'openclaw') ?? containers[0])?.image ?? '';
}

/** Whether the Deployment is fully available on its current spec (generation observed, all replicas updated and available). */
export function deploymentAvailable(deployment: V1Deployment): boolean {
  const replicas = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.unavailableReplicas ?? 0) === 0
  );
}

/**
 * @example rolloutState({ userId: 'alice', namespace: 'openclaw', deployment, pods, pvc }, 'v2') // { state: 'done' }
 */
export function rolloutState(objects: { readonly userId: string; readonly namespace: string; readonly deployment: V1Deployment; readonly pods: readonly V1Pod[] }, imageTag: string): RolloutState {
  const { deployment } = objects;
  const tag = imageTagOf(mainImage(deployment));
  if (tag !== imageTag) return { state: 'progressing', message: `the Deployment still names ${tag}` };
  if ((deployment.spec?.replicas ?? 1) === 0) return { state: 'stopped' };
  const pod = currentPod(objects.pods);
  const podTag = imageTagOf(pod?.spec?.containers.find((c) => c.name === 'openclaw')?.image ?? pod?.spec?.containers[0]?.image ?? '');
  // A failure counts only once it belongs to the new version, not to the pod being replaced.
  if (pod && podTag === imageTag) {
    const instance = describeInstance({ ...objects, pvc: undefined });
    if (instance.phase === 'Failed') return { state: 'failed', message: instance.message };
  }
  if (deploymentAvailable(deployment)) return { state: 'done' };
  return { state: 'progressing', message: pod ? `pod ${pod.metadata?.name ?? ''} ${pod.status?.phase ?? 'Pending'}` : 'waiting for the new pod' };
}

// Pure: an instance's API view from the cluster objects the watch cache holds for one user.
import type { V1Deployment, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { Instance, InstancePhase } from '../instance-runtime.js';
import { dataClaimName, releaseName } from '../../names/object-names.js';

export interface UserObjects {
  readonly userId: string;
  readonly namespace: string;
  readonly deployment: V1Deployment;
  readonly pods: readonly V1Pod[];
  readonly pvc: V1PersistentVolumeClaim | undefined;
}

// Container states that will not fix themselves without a change.
const FAILED_REASONS = new Set([
  'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
]);

/** The pod that matters: the newest one not being deleted (else the newest). */
export function currentPod(pods: readonly V1Pod[]): V1Pod | undefined {
  const time = (p: V1Pod): number => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  const sorted = [...pods].sort((a, b) => time(b) - time(a));
  return sorted.find((p) => !p.metadata?.deletionTimestamp) ?? sorted[0];
}

function podReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function phaseOf(objects: UserObjects, pod: V1Pod | undefined): { phase: InstancePhase; message: string } {
  const { deployment } = objects;
  if (deployment.metadata?.deletionTimestamp) return { phase: 'Deleting', message: 'being deleted' };
  if ((deployment.spec?.replicas ?? 1) === 0) return { phase: 'Stopped', message: 'stopped (replicas 0; data, secrets and token kept)' };
  const stalled = deployment.status?.conditions?.find((c) => c.type === 'Progressing' && c.status === 'False');
  for (const status of pod?.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && FAILED_REASONS.has(waiting.reason)) {
      return { phase: 'Failed', message: `${status.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
    }
  }
  if (pod?.status?.phase === 'Failed') return { phase: 'Failed', message: pod.status.message ?? pod.status.reason ?? 'pod failed' };
  if (stalled) return { phase: 'Failed', message: stalled.message ?? 'rollout stalled' };
  if (podReady(pod) && !pod?.metadata?.deletionTimestamp) return { phase: 'Running', message: 'gateway ready' };
  if (!pod) {
    if (objects.pvc?.status?.phase === 'Pending') return { phase: 'Pending', message: 'waiting for the data volume to bind' };
    return { phase: 'Pending', message: 'waiting for the pod to be created' };
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { phase: 'Pending', message: `waiting for a node: ${unscheduled.message ?? unscheduled.reason ?? ''}`.trim() };
  if (pod.status?.phase === 'Pending') return { phase: 'Starting', message: 'pod starting (pulling the image or starting containers)' };
  return { phase: 'Starting', message: 'gateway starting (waiting for readiness)' };
}

/** The tag of an image reference (`repo:tag`, `host:5000/repo:tag`); "latest" when it names none. */
export function imageTagOf(image: string): string {
  const name = image.split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}

export function describeInstance(objects: UserObjects): Instance {
  const pod = currentPod(objects.pods);
  const { phase, message } = phaseOf(objects, pod);
  const containers = objects.deployment.spec?.template.spec?.containers ?? [];
  const main = containers.find((c) => c.name === 'openclaw') ?? containers[0];
  const restarts = (pod?.status?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
  const running = pod?.status?.containerStatuses?.find((s) => s.name === main?.name);
  const pvc = objects.pvc;
  return {
    userId: objects.userId,
    phase,
    ready: phase === 'Running',
    message,
    image: main?.image ?? '',
    imageTag: imageTagOf(main?.image ?? ''),
    createdAt: new Date(objects.deployment.metadata?.creationTimestamp ?? Date.now()).toISOString(),
    dataVolume: {
      name: pvc?.metadata?.name ?? dataClaimName(objects.userId),
      kept: pvc ? pvc.metadata?.annotations?.['helm.sh/resource-policy'] === 'keep' : true,
      ...(pvc?.status?.phase ? { phase: pvc.status.phase } : {}),
    },
    runtime: {
      kind: 'helm',
      namespace: objects.namespace,
      release: releaseName(objects.userId),
      deployment: objects.deployment.metadata?.name ?? '',
      replicas: objects.deployment.spec?.replicas ?? 1,
      readyReplicas: objects.deployment.status?.readyReplicas ?? 0,
      pod: pod?.metadata?.name ?? null,
      podPhase: pod?.status?.phase ?? null,
      node: pod?.spec?.nodeName ?? null,
      // The exact image the kubelet runs (repo@sha256:...), whatever tag the Deployment names.
      imageId: running?.imageID || null,
      restarts,
    },
  };
}

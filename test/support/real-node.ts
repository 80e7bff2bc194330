// The test cluster's real node (scripts/lib/real-node.sh): instances that run as containers under a
// real kubelet, with the locally built image (the global setup provides it as `instanceImage`).
import { ensureNamespace } from './helm-manager.js';
import { createNamespace, kubectl, kubectlRun, waitFor } from './kube.js';

export const REAL_NODE_NAME = 'real-node-0';
/** nodeSelector, toleration and pull policy that put an instance on the real node. */
export const REAL_NODE_VALUES = 'test/cluster/real-node-values.yaml';
/** What any other pod needs to run on the real node: its label as nodeSelector, and this toleration. */
export const REAL_NODE_LABEL = { 'openclaw.ai/test-node': 'real' } as const;
export const REAL_NODE_TOLERATION = { key: 'openclaw.ai/real-node', operator: 'Equal', value: 'true', effect: 'NoSchedule' } as const;

/** A fresh namespace enforcing Pod Security "restricted", as the instances' namespace does. */
export async function restrictedNamespace(prefix: string): Promise<string> {
  const name = await createNamespace(prefix);
  await kubectl(['label', 'namespace', name, 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/enforce-version=latest']);
  await ensureNamespace(name);
  return name;
}

export interface PodState {
  readonly name: string;
  readonly uid: string;
  readonly nodeName: string | undefined;
  readonly phase: string | undefined;
  readonly ready: boolean;
  /** The container's startup probe has passed. */
  readonly started: boolean;
  readonly restarts: number;
}

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; started?: boolean; restartCount: number }[];
  };
}

/** The user's pods (the chart's label), deleted ones left out. */
export async function userPods(namespace: string, userId: string): Promise<PodState[]> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `openclaw.ai/user=${userId}`, '-o', 'json'])) as { items: PodJson[] };
  return list.items.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => {
    const container = pod.status.containerStatuses?.find((c) => c.name === 'openclaw');
    return {
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      nodeName: pod.spec.nodeName,
      phase: pod.status.phase,
      ready: pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      started: container?.started === true,
      restarts: container?.restartCount ?? 0,
    };
  });
}

/**
 * Waits until the user's only pod is Running and Ready (other than `notUid`, e.g. a deleted one).
 * Fails early, with its events, when the container restarts.
 */
export async function waitForReadyPod(namespace: string, userId: string, notUid?: string, timeoutMs = 420_000): Promise<PodState> {
  return waitFor(`${userId}'s pod Running and Ready in ${namespace}`, async () => {
    const pods = (await userPods(namespace, userId)).filter((pod) => pod.uid !== notUid);
    const restarted = pods.find((pod) => pod.restarts > 0);
    if (restarted) {
      const events = await kubectl(['get', 'events', '-n', namespace, '--field-selector', `involvedObject.name=${restarted.name}`]);
      const logs = await kubectlRun(['logs', '-n', namespace, restarted.name, '--previous', '--tail=40']);
      throw new Error(`${restarted.name} restarted:\n${events}\n${logs.stdout}${logs.stderr}`);
    }
    return pods.length === 1 && pods[0]?.phase === 'Running' && pods[0].ready ? pods[0] : undefined;
  }, timeoutMs);
}

/** Runs `script` with sh inside the pod's instance container. */
export function execInPod(namespace: string, pod: string, script: string): ReturnType<typeof kubectlRun> {
  return kubectlRun(['exec', '-n', namespace, pod, '-c', 'openclaw', '--', 'sh', '-c', script]);
}

// warm-capacity/ installed with helm on the test cluster, in a namespace enforcing Pod Security
// "restricted". The image puller runs on the real node: its init container is the instance image
// itself (already in the node's containerd, as a pull would leave it). The placeholders fill the kwok node and the real
// scheduler preempts one the moment a user's pod (default priority) needs its room.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runHelm } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { REAL_NODE_LABEL, REAL_NODE_NAME, REAL_NODE_TOLERATION, restrictedNamespace } from '../support/real-node.js';
import { valuesFile } from '../support/render-chart.js';

const PAUSE_IMAGE = 'localhost/openclaw-test-cluster/pause:1';
const KWOK_NODE = 'kwok-node-0';
// Two placeholders of 14 CPUs leave no room for a third 14-CPU pod on the 32-CPU kwok node.
const SLOT = { cpu: '14', memory: '1Gi' };

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { nodeName?: string; priority?: number };
  status: {
    phase: string;
    conditions?: { type: string; status: string }[];
    initContainerStatuses?: { image: string; state: { terminated?: { exitCode: number; reason: string } } }[];
  };
}

describe('warm capacity on the test cluster', () => {
  let namespace: string;
  const pods = async (selector: string): Promise<Pod[]> =>
    (JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'])) as { items: Pod[] }).items;
  const helm = (args: readonly string[]) => runHelm(args, { env: process.env });

  beforeAll(async () => {
    namespace = await restrictedNamespace('warm');
    const image = inject('instanceImage');
    const values = valuesFile({
      image: { repository: image.repository, tag: image.tag },
      prePull: { enabled: true, pauseImage: PAUSE_IMAGE, nodeSelector: REAL_NODE_LABEL, tolerations: [REAL_NODE_TOLERATION] },
      placeholders: {
        enabled: true, replicas: 2, pauseImage: PAUSE_IMAGE, resources: { requests: SLOT, limits: SLOT },
        nodeSelector: { 'kubernetes.io/hostname': KWOK_NODE },
      },
    });
    const installed = await helm(['install', 'warm', 'warm-capacity', '-n', namespace, '-f', values, '--wait', '--timeout', '5m']);
    expect(installed.exitCode, installed.stderr).toBe(0);
  }, 400_000);

  afterAll(async () => {
    if (!namespace) return;
    await helm(['uninstall', 'warm', '-n', namespace, '--wait']);
    await deleteNamespace(namespace);
  }, 120_000);

  it('runs the instance image on the real node as its init container, which exits 0, then idles Ready', async () => {
    const [puller] = await pods('app.kubernetes.io/name=openclaw-image-puller');
    expect(puller?.spec.nodeName).toBe(REAL_NODE_NAME);
    expect(puller?.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const init = puller?.status.initContainerStatuses?.[0];
    expect(init?.image).toContain(inject('instanceImage').tag);
    expect(init?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('gives up a placeholder at once to a user pod that needs the room', async () => {
    const held = await pods('app.kubernetes.io/name=openclaw-placeholder');
    expect(held.map((p) => [p.status.phase, p.spec.nodeName, p.spec.priority])).toEqual([
      ['Running', KWOK_NODE, -10],
      ['Running', KWOK_NODE, -10],
    ]);
    const user = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'user-instance', namespace },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': KWOK_NODE },
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'gateway', image: PAUSE_IMAGE, resources: { requests: SLOT, limits: SLOT },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        }],
      },
    };
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(user) });
    const running = await waitFor('the user pod running', async () => {
      const pod = JSON.parse(await kubectl(['get', 'pod', 'user-instance', '-n', namespace, '-o', 'json'])) as Pod;
      return pod.status.phase === 'Running' ? pod : undefined;
    }, 60_000);
    expect(running.spec.nodeName).toBe(KWOK_NODE);
    // One placeholder was evicted for it; its replacement waits for room (on GKE, for a new node).
    const after = await waitFor('a placeholder waiting for room', async () => {
      const now = await pods('app.kubernetes.io/name=openclaw-placeholder');
      return now.filter((p) => p.status.phase === 'Pending').length === 1 ? now : undefined;
    }, 60_000);
    expect(after.filter((p) => p.status.phase === 'Running')).toHaveLength(1);
    const reasons = await kubectl(['get', 'events', '-n', namespace, '-o', 'jsonpath={.items[*].reason}']);
    expect(reasons.split(' ')).toContain('Preempted');
  });
});

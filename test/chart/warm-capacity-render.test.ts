// warm-capacity/: the image puller and the placeholders, rendered by the real helm: nothing unless
// switched on, Pod Security "restricted" pods, placeholders below every user pod and never
// preempting, and a strict schema.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { helmBinary } from '../support/helm.js';
import { chartAppVersion, findObject, parseManifests, valuesFile, type K8sObject } from '../support/render-chart.js';

async function render(values: unknown = {}): Promise<K8sObject[]> {
  const result = await execa(helmBinary(), ['template', 'warm', 'warm-capacity', '-n', 'openclaw', '-f', valuesFile(values)], { reject: false });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return parseManifests(result.stdout);
}

const RESTRICTED = {
  runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
};

describe('warm-capacity chart', () => {
  it('renders nothing until a part is switched on', async () => {
    expect(await render()).toEqual([]);
  });

  it('pulls the instance image on every node through an init container, then idles', async () => {
    const objects = await render({ image: { repository: 'registry.example/oc/openclaw-gke', tag: '2026.9.6' }, prePull: { enabled: true } });
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'NetworkPolicy']);
    const pod = findObject(objects, 'DaemonSet').spec.template.spec;
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0]).toMatchObject({ image: 'registry.example/oc/openclaw-gke:2026.9.6', imagePullPolicy: 'IfNotPresent', command: ['/bin/true'], securityContext: RESTRICTED });
    expect(pod.containers).toEqual([expect.objectContaining({ name: 'pause', image: 'registry.k8s.io/pause:3.10', securityContext: expect.objectContaining(RESTRICTED) })]);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('pulls by default the image the user chart defaults to: both charts\' appVersion', async () => {
    expect(chartAppVersion('warm-capacity')).toBe(chartAppVersion());
    const pod = findObject(await render({ prePull: { enabled: true } }), 'DaemonSet').spec.template.spec;
    expect(pod.initContainers[0].image).toBe(`us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:${chartAppVersion()}`);
  });

  it('holds room with placeholders sized like an instance, below every user pod, preempting nothing', async () => {
    const objects = await render({ placeholders: { enabled: true, replicas: 3 } });
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PriorityClass']);
    const priority = findObject(objects, 'PriorityClass');
    expect(priority).toMatchObject({ value: -10, preemptionPolicy: 'Never', globalDefault: false });
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    expect(pod.priorityClassName).toBe(priority.metadata.name);
    expect(pod.terminationGracePeriodSeconds).toBe(0);
    expect(pod.containers[0].resources.requests).toEqual({ cpu: '1', memory: '3Gi', 'ephemeral-storage': '2Gi' });
    expect(pod.containers[0].securityContext).toMatchObject(RESTRICTED);
  });

  it('lets no traffic in or out of its pods: they never talk to anything', async () => {
    const objects = await render({ prePull: { enabled: true }, placeholders: { enabled: true } });
    const policy = findObject(objects, 'NetworkPolicy');
    expect(policy.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'warm' } }, policyTypes: ['Ingress', 'Egress'] });
    for (const kind of ['DaemonSet', 'Deployment']) {
      expect(findObject(objects, kind).spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    }
  });

  it.each([
    [{ placeholders: { enabled: true, priority: 0 } }, 'priority'],
    [{ placeholders: { enabled: true, replicas: -1 } }, 'replicas'],
    [{ prePull: { enabled: true, pullEverything: true } }, 'pullEverything'],
    [{ image: { repository: 'Bad Repo', tag: 'x' } }, 'repository'],
  ])('refuses %j, naming %s', async (values, field) => {
    await expect(render(values)).rejects.toThrow(field);
  });

  it('passes helm lint --strict', async () => {
    const lint = await execa(helmBinary(), ['lint', '--strict', 'warm-capacity', '--set', 'prePull.enabled=true', '--set', 'placeholders.enabled=true'], { reject: false });
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
  });
});

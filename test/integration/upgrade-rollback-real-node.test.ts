// Fleet upgrades with a canary and automatic rollback, on the test cluster's real node with real
// containers: a manager on the helm runtime (in this process) runs one instance there. An upgrade to
// an image whose container exits at once crash-loops under the kubelet; the canary is rolled back
// with `helm rollback` to the revision it ran before, and its gateway answers again. An upgrade to
// the same image under another tag changes the tag, and the pod a reschedule makes runs the very
// image (ID) and tag the upgrade set; a healthy canary then passes its soak. One instance: a gateway
// costs 1-2 GB and the machine's two cores are shared.
import path from 'node:path';
import { KubeConfig, Watch, type CoreV1Event, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { Instance, InstanceRevision } from '../../manager/src/runtime/instance-runtime.js';
import { prepareUpgradeImages, removeUpgradeImages, type UpgradeImages } from '../support/broken-image.js';
import { helmPlugins, startHelmManager, type HelmManager } from '../support/helm-manager.js';
import type { PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { waitRunning } from '../support/manager-process.js';
import { REAL_NODE_NAME, REAL_NODE_VALUES, restrictedNamespace, waitForReadyPod } from '../support/real-node.js';

const USER = 'canary';
const DEPLOYMENT = `${USER}-openclaw`;
// A real gateway start on this node takes one to a few minutes; the rollback waits for one.
const TIMEOUT_SECONDS = 300;
const SOAK_SECONDS = 5;

describe('fleet upgrade with a canary and automatic rollback, on the real node', () => {
  let namespace: string;
  let plugins: PluginHome;
  let manager: HelmManager;
  let images: UpgradeImages;
  const api = (method: string, p: string, body?: unknown) => manager.api(method, p, body);
  const ref = (image: { repository: string; tag: string }) => `${image.repository}:${image.tag}`;

  const pod = async (name: string): Promise<V1Pod> => JSON.parse(await kubectl(['get', 'pod', name, '-n', namespace, '-o', 'json'])) as V1Pod;
  const podImage = (p: V1Pod): string | undefined => p.spec?.containers.find((c) => c.name === 'openclaw')?.image;
  const podStatus = (p: V1Pod): V1ContainerStatus | undefined => p.status?.containerStatuses?.find((c) => c.name === 'openclaw');
  const deploymentImage = async (): Promise<string> =>
    kubectl(['get', 'deployment', DEPLOYMENT, '-n', namespace, '-o', 'jsonpath={.spec.template.spec.containers[?(@.name=="openclaw")].image}']);

  /** The gateway answers its health RPC through the manager (Service endpoints can lag a ready pod by a sync). */
  const healthAnswers = () => waitFor(`${USER}'s health RPC to answer 200`, async () => {
    const res = await api('POST', `/api/instances/${USER}/rpc`, { method: 'health' });
    return res.status === 200 ? res : undefined;
  }, 60_000);

  /** Starts a fleet upgrade and follows it to its end. */
  async function fleetUpgrade(body: Record<string, unknown>): Promise<FleetUpgradeRun> {
    const begun = await api('POST', '/api/fleet/upgrade', body);
    expect(begun.status, begun.text).toBe(202);
    const { id } = begun.body as FleetUpgradeRun;
    return waitFor(`fleet upgrade ${id} to finish`, async () => {
      const run = (await api('GET', `/api/fleet/upgrade/${id}`)).body as FleetUpgradeRun;
      return run.state === 'running' ? undefined : run;
    }, (TIMEOUT_SECONDS * 2 + 120) * 1000);
  }

  beforeAll(async () => {
    images = await prepareUpgradeImages(inject('instanceImage'));
    namespace = await restrictedNamespace('upgrade-rollback');
    plugins = await helmPlugins();
    manager = await startHelmManager(plugins, {
      namespace,
      env: {
        OPENCLAW_IMAGE_REPO: images.current.repository,
        OPENCLAW_IMAGE_TAG: images.current.tag,
        OPENCLAW_VALUES_FILES: path.resolve(REAL_NODE_VALUES),
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (manager) {
      await api('DELETE', `/api/instances/${USER}?preservePvc=false`).catch(() => undefined);
      await manager.close();
    }
    if (namespace) await deleteNamespace(namespace);
    if (images) await removeUpgradeImages(images);
    plugins?.remove();
  }, 300_000);

  it('has the broken and the retagged image in the node\'s containerd beside the instance image', () => {
    expect(images.broken).toMatchObject({ repository: images.current.repository, tag: expect.stringMatching(/^broken-[0-9a-f]{12}$/) });
    expect(images.broken.id).not.toBe(images.current.id);
    expect(images.next).toMatchObject({
      repository: images.current.repository, tag: expect.stringMatching(/^next-[0-9a-f]{12}$/), digest: images.current.digest, id: images.current.id,
    });
  });

  it('creates the instance on the real node; its gateway answers the health RPC', async () => {
    const created = await api('POST', '/api/instances', { userId: USER });
    expect([201, 202], created.text).toContain(created.status);
    const instance = await waitRunning<Instance>(api, USER, 420_000);
    expect(instance).toMatchObject({ phase: 'Running', imageTag: images.current.tag, runtime: { node: REAL_NODE_NAME } });
    expect(await deploymentImage()).toBe(ref(images.current));
    await healthAnswers();
  }, 480_000);

  it('rolls the crash-looping canary back to the revision it ran before and fails the run', async () => {
    // Every state the broken pods went through, from a watch: a pod rolled back is soon gone.
    const crashes: { pod: string; exitCode: number | undefined; waiting: string | undefined }[] = [];
    // A watch that ends before it is stopped may have missed a state.
    let watching = true;
    let watchEnded: unknown;
    const kc = new KubeConfig();
    kc.loadFromFile(process.env.KUBECONFIG ?? '');
    const watch = await new Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector: `openclaw.ai/user=${USER}` }, (_type: string, p: V1Pod) => {
      const status = podStatus(p);
      if (podImage(p) !== ref(images.broken) || !status) return;
      crashes.push({ pod: p.metadata?.name ?? '', exitCode: status.lastState?.terminated?.exitCode, waiting: status.state?.waiting?.reason });
    }, (err: unknown) => {
      if (watching) watchEnded = err ?? 'closed by the server';
    });
    let run: FleetUpgradeRun;
    try {
      run = await fleetUpgrade({ imageTag: images.broken.tag, timeoutSeconds: TIMEOUT_SECONDS, canary: { count: 1, soakSeconds: SOAK_SECONDS } });
    } finally {
      watching = false;
      watch.abort();
    }

    expect(run.state, JSON.stringify(run)).toBe('failed');
    expect(run.canary).toEqual({ userIds: [USER], soakSeconds: SOAK_SECONDS });
    expect(run.autoRollback).toBe(true);
    expect(run.counts).toMatchObject({ rolledBack: 1, upgraded: 0, failed: 0, pending: 0 });
    const [result] = run.results;
    expect(run.results).toHaveLength(1);
    expect(result).toMatchObject({ userId: USER, status: 'rolledBack', previousRevision: 1 });
    expect(result?.message).toContain(`rolled back to revision 1 (${images.current.tag})`);
    expect(result?.message).toMatch(new RegExp(`failed on ${images.broken.tag}: openclaw: CrashLoopBackOff`));

    // The kubelet really ran the broken image: its container exited 1 and was backed off.
    const seen = JSON.stringify(crashes);
    expect(watchEnded, seen).toBeUndefined();
    expect(crashes.map((c) => c.exitCode), seen).toContain(1);
    expect(crashes.map((c) => c.waiting), seen).toContain('CrashLoopBackOff');
    const events = (JSON.parse(await kubectl(['get', 'events', '-n', namespace, '-o', 'json'])) as { items: CoreV1Event[] }).items;
    for (const name of new Set(crashes.map((c) => c.pod))) {
      const reasons = events.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === name).map((e) => e.reason);
      expect(reasons, name).toEqual(expect.arrayContaining(['Pulled', 'Started', 'BackOff']));
    }

    expect(await deploymentImage()).toBe(ref(images.current));
    const revisions = await api('GET', `/api/instances/${USER}/revisions`);
    expect(revisions.status, revisions.text).toBe(200);
    const kept = (revisions.body as { revisions: InstanceRevision[] }).revisions;
    expect(kept.map((r) => [r.revision, r.imageTag, r.status, r.cause])).toEqual([
      [3, images.current.tag, 'deployed', 'Rollback to 1'],
      [2, images.broken.tag, 'superseded', `fleet run ${run.id}: upgrade to ${images.broken.tag}`],
      [1, images.current.tag, 'superseded', 'create'],
    ]);

    expect((await waitForReadyPod(namespace, USER)).nodeName).toBe(REAL_NODE_NAME);
    expect((await api('GET', `/api/instances/${USER}`)).body).toMatchObject({ phase: 'Running', imageTag: images.current.tag });
    await healthAnswers();
  }, (TIMEOUT_SECONDS * 2 + 180) * 1000);

  it('upgrades to the good tag; a rescheduled pod runs the same image ID and tag', async () => {
    const run = await fleetUpgrade({ imageTag: images.next.tag, timeoutSeconds: TIMEOUT_SECONDS });
    expect(run.state, JSON.stringify(run)).toBe('succeeded');
    expect(run.results).toEqual([{ userId: USER, status: 'upgraded', previousRevision: 3, message: `running ${images.next.tag}` }]);
    expect(await deploymentImage()).toBe(ref(images.next));
    await healthAnswers();

    const before = await waitForReadyPod(namespace, USER);
    const upgraded = await pod(before.name);
    expect(podImage(upgraded)).toBe(ref(images.next));
    // Without a registry there is no repo digest: containerd reports the image ID, the instance image's own.
    expect(podStatus(upgraded)?.imageID).toBe(images.next.id);

    await kubectl(['delete', 'pod', before.name, '-n', namespace, '--wait=false']);
    const after = await waitForReadyPod(namespace, USER, before.uid);
    expect(after.nodeName).toBe(REAL_NODE_NAME);
    const rescheduled = await pod(after.name);
    expect(podImage(rescheduled)).toBe(ref(images.next));
    expect(podStatus(rescheduled)?.imageID).toBe(images.next.id);
    // status.image is the first tag containerd knows for that image ID: the same for both pods.
    expect(podStatus(rescheduled)?.image).toBe(podStatus(upgraded)?.image);
    expect((await api('GET', `/api/instances/${USER}`)).body).toMatchObject({ phase: 'Running', imageTag: images.next.tag });
    await healthAnswers();
  }, (TIMEOUT_SECONDS + 600) * 1000);

  it('keeps a healthy canary through its soak and finishes the run', async () => {
    const run = await fleetUpgrade({ imageTag: images.current.tag, timeoutSeconds: TIMEOUT_SECONDS, canary: { count: 1, soakSeconds: SOAK_SECONDS } });
    expect(run.state, JSON.stringify(run)).toBe('succeeded');
    expect(run.results).toEqual([{
      userId: USER, status: 'upgraded', previousRevision: 4, message: `canary: healthy for ${SOAK_SECONDS} s on ${images.current.tag}`,
    }]);
    expect(await deploymentImage()).toBe(ref(images.current));
    const kept = ((await api('GET', `/api/instances/${USER}/revisions`)).body as { revisions: InstanceRevision[] }).revisions;
    expect(kept[0]).toMatchObject({ revision: 5, imageTag: images.current.tag, status: 'deployed', cause: `fleet run ${run.id}: upgrade to ${images.current.tag}` });
    await healthAnswers();
  }, (TIMEOUT_SECONDS * 2 + 180) * 1000);
});

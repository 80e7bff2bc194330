// Stop, start, start progress and fleet upgrade on the helm runtime, against the real control plane
// with real helm 4 and the post-renderer: stop is a helm upgrade to replicas 0 that keeps the PVC,
// Secret (same token) and Service; progress follows a pod from creation to ready; a fleet upgrade of
// ten instances never has more than maxUnavailable Deployments unavailable at once (seen by a watch
// of our own) and stops at a release that cannot be upgraded.
import { randomBytes } from 'node:crypto';
import { KubeConfig, ListWatch, Watch, AppsV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { Instance, StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { ensureNamespace, helmPlugins, startHelmManager, type HelmManager, HELM_MANAGER_KEY } from '../support/helm-manager.js';
import { runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, getObject, waitFor } from '../support/kube.js';
import { openSse } from '../support/sse-client.js';

const suffix = randomBytes(3).toString('hex');
const namespace = `lifecycle-${suffix}`;
const users = Array.from({ length: 10 }, (_, i) => `u${String(i).padStart(2, '0')}-${suffix}`);
const [first, ...others] = users as [string, ...string[]];
const broken = users[4] as string;

interface Secret { metadata: { uid: string }; data: Record<string, string> }
interface Uid { metadata: { uid: string } }

/** Unavailable as a Deployment watch sees it: a spec not yet observed, or fewer available replicas than wanted. */
function unavailable(d: V1Deployment): boolean {
  const wanted = d.spec?.replicas ?? 1;
  return (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) || (d.status?.availableReplicas ?? 0) < wanted || (d.status?.unavailableReplicas ?? 0) > 0;
}

function tagOf(d: V1Deployment | undefined): string | undefined {
  return d?.spec?.template.spec?.containers[0]?.image?.split(':').at(-1);
}

describe('lifecycle on the helm runtime', () => {
  let plugins: PluginHome;
  let manager: HelmManager;
  const api = (method: string, path: string, body?: unknown) => manager.api(method, path, body);

  async function waitPhase(userId: string, phase: Instance['phase']): Promise<Instance> {
    return waitFor(`${userId} ${phase}`, async () => {
      const res = await api('GET', `/api/instances/${userId}`);
      return res.status === 200 && (res.body as Instance).phase === phase ? (res.body as Instance) : undefined;
    }, 240_000);
  }

  beforeAll(async () => {
    plugins = await helmPlugins();
    await ensureNamespace(namespace);
    manager = await startHelmManager(plugins, { namespace });
  }, 600_000);

  afterAll(async () => {
    await manager?.close();
    await deleteNamespace(namespace);
    plugins?.remove();
  });

  it('streams the first instance\'s progress from its creation to ready, never going back', async () => {
    const creating = api('POST', '/api/instances', { userId: first });
    // The stream opens as soon as the Deployment exists, usually while helm is still applying.
    const deadline = Date.now() + 120_000;
    let stream = await openSse<StartProgress>(`${manager.http.url}/api/instances/${first}/progress`, HELM_MANAGER_KEY);
    while (stream.status === 404 && Date.now() < deadline) {
      stream.close();
      await new Promise((r) => setTimeout(r, 20));
      stream = await openSse<StartProgress>(`${manager.http.url}/api/instances/${first}/progress`, HELM_MANAGER_KEY);
    }
    expect(stream.status).toBe(200);
    expect([201, 202]).toContain((await creating).status);
    const last = await stream.until((e) => e.ready || e.failed);
    await stream.ended;
    expect(last).toEqual({ progress: 100, message: 'gateway ready', ready: true, failed: false });
    const steps = stream.events.map((e) => e.progress);
    expect(steps, JSON.stringify(stream.events)).toEqual([...steps].sort((a, b) => a - b));
    // An unchanged stage is only repeated as the stream's heartbeat (every 2 s), never as chatter.
    stream.events.forEach((event, i) => {
      const before = stream.events[i - 1];
      if (before && before.progress === event.progress && before.message === event.message) {
        expect((stream.receivedAt[i] as number) - (stream.receivedAt[i - 1] as number)).toBeGreaterThanOrEqual(1_500);
      }
    });
    expect(stream.events.filter((e) => e.ready || e.failed)).toHaveLength(1);
  }, 300_000);

  it('stops through helm (replicas 0), keeping PVC, Secret, token and Service; starts back to Available', async () => {
    const deployment = `${first}-openclaw`;
    const secretBefore = await getObject<Secret>('secret', deployment, namespace);
    const pvcBefore = await getObject<Uid>('pvc', `${first}-openclaw-data`, namespace);
    const serviceBefore = await getObject<Uid>('service', deployment, namespace);
    expect(secretBefore?.data.OPENCLAW_GATEWAY_TOKEN).toBeTruthy();

    const stopped = await api('POST', `/api/instances/${first}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body).toMatchObject({ phase: 'Stopped', ready: false, runtime: { replicas: 0 } });
    expect((await getObject<V1Deployment>('deployment', deployment, namespace))?.spec?.replicas).toBe(0);
    await waitFor('the pod to be gone', async () => ((await getObject<V1Deployment>('deployment', deployment, namespace))?.status?.replicas ?? 0) === 0 ? true : undefined, 120_000);
    // Through helm, not a patch: the release's own values say replicas 0, the user's secrets and token are still there.
    const values = await runHelm(['get', 'values', `${first}-openclaw`, '-n', namespace, '-o', 'json'], { env: plugins.env });
    expect(values.exitCode, values.stderr).toBe(0);
    expect(JSON.parse(values.stdout)).toMatchObject({ replicas: 0, userId: first, image: { tag: 'test' } });
    const secretStopped = await getObject<Secret>('secret', deployment, namespace);
    expect(secretStopped?.metadata.uid).toBe(secretBefore?.metadata.uid);
    expect(secretStopped?.data).toEqual(secretBefore?.data);
    expect((await getObject<Uid>('pvc', `${first}-openclaw-data`, namespace))?.metadata.uid).toBe(pvcBefore?.metadata.uid);
    expect((await getObject<Uid>('service', deployment, namespace))?.metadata.uid).toBe(serviceBefore?.metadata.uid);
    expect((await api('POST', `/api/instances/${first}/stop`)).body).toMatchObject({ phase: 'Stopped' });
    const rpc = await api('POST', `/api/instances/${first}/rpc`, { method: 'status' });
    expect(rpc.status).toBe(409);
    expect(rpc.body).toMatchObject({ code: 'INSTANCE_STOPPED' });

    const stream = await openSse<StartProgress>(`${manager.http.url}/api/instances/${first}/progress`, HELM_MANAGER_KEY);
    await stream.until((e) => e.progress === 0);
    const started = await api('POST', `/api/instances/${first}/start`);
    // 200 when kwok made the new pod ready before the answer, else 202.
    expect([200, 202], started.text).toContain(started.status);
    const last = await stream.until((e) => e.ready || e.failed);
    expect(last).toMatchObject({ progress: 100, ready: true });
    const steps = stream.events.map((e) => e.progress);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.length).toBeGreaterThanOrEqual(2);

    await waitPhase(first, 'Running');
    // The Deployment controller writes its Available condition a moment after the pod is ready.
    const available = await waitFor('the Deployment Available', async () => {
      const d = await getObject<V1Deployment>('deployment', deployment, namespace);
      return d?.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True' ? d : undefined;
    }, 30_000);
    expect(available.spec?.replicas).toBe(1);
    expect((await getObject<Secret>('secret', deployment, namespace))?.data).toEqual(secretBefore?.data);
    expect((await getObject<Uid>('pvc', `${first}-openclaw-data`, namespace))?.metadata.uid).toBe(pvcBefore?.metadata.uid);
    expect((await api('POST', `/api/instances/${first}/start`)).status).toBe(200);
  }, 300_000);

  it('upgrades ten instances two at a time, never more than two unavailable, and stops at a broken release', async () => {
    for (let i = 0; i < others.length; i += 3) {
      const batch = others.slice(i, i + 3);
      const answers = await Promise.all(batch.map((userId) => api('POST', '/api/instances', { userId })));
      for (const res of answers) expect([201, 202], res.text).toContain(res.status);
    }
    for (const userId of users) await waitPhase(userId, 'Running');

    // Broken by hand: a value the chart's schema refuses, applied around the schema check. The
    // objects do not change (the instance keeps running); any later upgrade of it fails.
    const breakIt = await runHelm([
      'upgrade', `${broken}-openclaw`, 'chart', '-n', namespace, '--reuse-values', '--skip-schema-validation', '--set', 'notAValue=1',
      '--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false',
    ], { env: plugins.env });
    expect(breakIt.exitCode, breakIt.stderr).toBe(0);
    await waitPhase(broken, 'Running');

    const kc = new KubeConfig();
    kc.loadFromFile(process.env.KUBECONFIG ?? '');
    const apps = kc.makeApiClient(AppsV1Api);
    const names = new Set(users.map((u) => `${u}-openclaw`));
    const down = new Set<string>();
    let mostDown = 0;
    const wentDown: string[] = [];
    const watch = new ListWatch<V1Deployment>(`/apis/apps/v1/namespaces/${namespace}/deployments`, new Watch(kc), () => apps.listNamespacedDeployment({ namespace }), false);
    const seen = (d: V1Deployment): void => {
      const name = d.metadata?.name ?? '';
      if (!names.has(name)) return;
      if (unavailable(d)) {
        if (!down.has(name)) wentDown.push(name);
        down.add(name);
      } else {
        down.delete(name);
      }
      mostDown = Math.max(mostDown, down.size);
    };
    watch.on('add', seen);
    watch.on('update', seen);
    await watch.start();
    expect(down.size).toBe(0);

    try {
      const begun = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', maxUnavailable: 2, timeoutSeconds: 240 });
      expect(begun.status, begun.text).toBe(202);
      const id = (begun.body as FleetUpgradeRun).id;
      expect((begun.body as FleetUpgradeRun).results.map((r) => r.userId)).toEqual(users);
      const run = await waitFor('the fleet upgrade to finish', async () => {
        const res = await api('GET', `/api/fleet/upgrade/${id}`);
        const body = res.body as FleetUpgradeRun;
        return body.state === 'running' ? undefined : body;
      }, 900_000);

      expect(run.state).toBe('failed');
      const byUser = new Map(run.results.map((r) => [r.userId, r]));
      const failed = run.results.filter((r) => r.status === 'failed');
      expect(failed.map((r) => r.userId)).toEqual([broken]);
      expect(failed[0]?.message).toContain('notAValue');
      for (const userId of users.slice(0, 4)) expect(byUser.get(userId)?.status, userId).toBe('upgraded');
      // The one in flight when the failure came may finish; nothing is started after it.
      const after = users.slice(5).map((u) => byUser.get(u));
      expect(after.filter((r) => r?.status === 'upgraded').length).toBeLessThanOrEqual(1);
      const skipped = after.filter((r) => r?.status === 'skipped');
      expect(skipped.length).toBeGreaterThanOrEqual(4);
      for (const r of skipped) expect(r?.message).toBe(`not attempted: the upgrade stopped after ${broken} failed`);

      for (const r of run.results) {
        const d = await getObject<V1Deployment>('deployment', `${r.userId}-openclaw`, namespace);
        expect(tagOf(d), r.userId).toBe(r.status === 'upgraded' ? 'v2' : 'test');
        if (r.status === 'upgraded') expect(unavailable(d as V1Deployment), r.userId).toBe(false);
        expect((await api('GET', `/api/instances/${r.userId}`)).body).toMatchObject({ imageTag: r.status === 'upgraded' ? 'v2' : 'test' });
      }
    } finally {
      await watch.stop();
    }
    expect(mostDown, `went down in this order: ${wentDown.join(', ')}`).toBeLessThanOrEqual(2);
    expect(mostDown).toBeGreaterThanOrEqual(1);
    expect(wentDown.length).toBeGreaterThanOrEqual(4);
  }, 900_000);
});

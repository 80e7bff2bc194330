// Fleet upgrades with canaries and automatic rollback on the helm runtime, against the real control
// plane with real helm 4 and the post-renderer, as the openclaw-manager ServiceAccount (so its Role
// is proven to allow helm history, get values and rollback). Pods run on kwok's fake node: an image
// tagged `never-ready` crash-loops there (test/cluster/kwok-pod-stages.yaml), any other becomes
// ready. Every instance's gateway is one real gateway on loopback, so the canaries' health RPCs and
// the RPCs after a rollback are answered by a real OpenClaw.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, KubeConfig, ListWatch, Watch, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import { loadKubeConfig } from '../../manager/src/runtime/create-runtime.js';
import { HelmRuntime } from '../../manager/src/runtime/helm/helm-runtime.js';
import type { Instance, InstanceRevision } from '../../manager/src/runtime/instance-runtime.js';
import { startInstance, type GatewayInstance } from '../support/gateway-instance.js';
import { PLUGIN_DIRS, installPlugins, type PluginHome } from '../support/helm.js';
import { getObject, kubectl, waitFor } from '../support/kube.js';
import { serveApp, type JsonResponse, type ManagerHttp } from '../support/manager-http.js';
import { applyManagerRbac, serviceAccountKubeconfig } from '../support/service-account.js';

const KEY = 'rollback-flow-key-0123456789abcdef';
const NAMESPACE = 'openclaw';
const suffix = randomBytes(3).toString('hex');
const users = ['c1', 'c2', 'w1', 'w2', 'w3'].map((name) => `${name}-${suffix}`);
const [canary1, canary2, ...rest] = users as [string, string, ...string[]];

function tagOf(d: V1Deployment | undefined): string | undefined {
  return d?.spec?.template.spec?.containers[0]?.image?.split(':').at(-1);
}

/** Unavailable as a Deployment watch sees it: a spec not yet observed, or fewer available replicas than wanted. */
function unavailable(d: V1Deployment): boolean {
  const wanted = d.spec?.replicas ?? 1;
  return (d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) || (d.status?.availableReplicas ?? 0) < wanted || (d.status?.unavailableReplicas ?? 0) > 0;
}

describe('fleet upgrades with canaries and rollback on the helm runtime', () => {
  let plugins: PluginHome;
  let gateway: GatewayInstance;
  let config: ManagerConfig;
  let http: ManagerHttp;
  let runtime: HelmRuntime;
  let pool: GatewayPool;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  async function runToEnd(body: unknown): Promise<FleetUpgradeRun> {
    const begun = await api('POST', '/api/fleet/upgrade', body);
    expect(begun.status, begun.text).toBe(202);
    const id = (begun.body as FleetUpgradeRun).id;
    return waitFor('the fleet upgrade to finish', async () => {
      const run = (await api('GET', `/api/fleet/upgrade/${id}`)).body as FleetUpgradeRun;
      return run.state === 'running' ? undefined : run;
    }, 600_000);
  }

  async function revisions(userId: string): Promise<InstanceRevision[]> {
    const res = await api('GET', `/api/instances/${userId}/revisions`);
    expect(res.status, res.text).toBe(200);
    return (res.body as { revisions: InstanceRevision[] }).revisions;
  }

  async function answersHealth(userId: string): Promise<void> {
    const res = await api('POST', `/api/instances/${userId}/rpc`, { method: 'health' });
    expect(res.status, `${userId}: ${res.text}`).toBe(200);
  }

  beforeAll(async () => {
    await applyManagerRbac();
    plugins = await installPlugins([PLUGIN_DIRS.postrender]);
    gateway = await startInstance();
    config = loadConfig({
      ...(plugins.env as Record<string, string>),
      OPENCLAW_MANAGER_API_KEY: KEY,
      OPENCLAW_RUNTIME: 'helm',
      OPENCLAW_NAMESPACE: NAMESPACE,
      KUBECONFIG: await serviceAccountKubeconfig(NAMESPACE, 'openclaw-manager'),
      HELM_BIN: process.env.HELM_BIN ?? '',
      OPENCLAW_IMAGE_TAG: 'test',
      OPENCLAW_GATEWAY_URL_TEMPLATE: gateway.gatewayUrl,
    });
    const logger = createLogger('warn');
    runtime = new HelmRuntime({ config, kubeConfig: loadKubeConfig(config), logger, gatewayToken: () => gateway.token });
    await runtime.start();
    pool = new GatewayPool();
    http = await serveApp(createApp(config, { runtime, pool, logger }));
    for (const userId of users) {
      const created = await api('POST', '/api/instances', { userId });
      expect([201, 202], created.text).toContain(created.status);
    }
    for (const userId of users) {
      await waitFor(`${userId} Running`, async () => ((await api('GET', `/api/instances/${userId}`)).body as Instance).phase === 'Running' || undefined, 240_000);
    }
  }, 600_000);

  afterAll(async () => {
    for (const userId of users) {
      await kubectl(['delete', 'deploy,svc,secret,configmap,networkpolicy,pvc', '-n', NAMESPACE, '-l', `openclaw.ai/user=${userId}`, '--ignore-not-found', '--wait=false']).catch(() => undefined);
      await kubectl(['delete', 'secret', '-n', NAMESPACE, '-l', `name=${userId}-openclaw,owner=helm`, '--ignore-not-found']).catch(() => undefined);
    }
    await http?.close();
    await pool?.closeAll();
    await runtime?.close();
    await gateway?.stop();
    plugins?.remove();
  });

  it('rolls the canaries of a tag that never becomes ready back, skips the rest, and the canaries answer RPC again', async () => {
    const run = await runToEnd({ imageTag: 'never-ready', userIds: users, maxUnavailable: 2, timeoutSeconds: 120, canary: { count: 2, soakSeconds: 5 } });
    expect(run.state).toBe('failed');
    expect(run.canary).toEqual({ userIds: [canary1, canary2], soakSeconds: 5 });
    const byUser = new Map(run.results.map((r) => [r.userId, r]));
    for (const userId of [canary1, canary2]) {
      const result = byUser.get(userId);
      expect(result?.status, JSON.stringify(result)).toBe('rolledBack');
      expect(result?.message).toContain('CrashLoopBackOff');
      expect(result?.previousRevision).toBe(1);
      const deployment = await getObject<V1Deployment>('deployment', `${userId}-openclaw`, NAMESPACE);
      expect(tagOf(deployment), userId).toBe('test');
      expect(unavailable(deployment as V1Deployment), userId).toBe(false);
      const kept = await revisions(userId);
      expect(kept.map((r) => [r.revision, r.imageTag, r.cause])).toEqual([
        [3, 'test', 'Rollback to 1'],
        [2, 'never-ready', `fleet run ${run.id}: upgrade to never-ready`],
        [1, 'test', 'create'],
      ]);
      expect(kept[0]?.status).toBe('deployed');
      await answersHealth(userId);
    }
    for (const userId of rest) {
      expect(byUser.get(userId)).toEqual({ userId, status: 'skipped', message: expect.stringMatching(/^not attempted: canary /) });
      expect((await revisions(userId)).map((r) => r.revision)).toEqual([1]);
      expect(tagOf(await getObject<V1Deployment>('deployment', `${userId}-openclaw`, NAMESPACE))).toBe('test');
    }
  }, 900_000);

  it('goes to a good tag canary first, soaks it, then the rest, never more than maxUnavailable unavailable', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(process.env.KUBECONFIG ?? '');
    const apps = kc.makeApiClient(AppsV1Api);
    const names = new Set(users.map((u) => `${u}-openclaw`));
    const down = new Set<string>();
    const firstOnV2 = new Map<string, number>();
    let mostDown = 0;
    const seen = (d: V1Deployment): void => {
      const name = d.metadata?.name ?? '';
      if (!names.has(name)) return;
      if (tagOf(d) === 'v2' && !firstOnV2.has(name)) firstOnV2.set(name, Date.now());
      if (unavailable(d)) down.add(name);
      else down.delete(name);
      mostDown = Math.max(mostDown, down.size);
    };
    const watch = new ListWatch<V1Deployment>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, new Watch(kc), () => apps.listNamespacedDeployment({ namespace: NAMESPACE }), false);
    watch.on('add', seen);
    watch.on('update', seen);
    await watch.start();
    let run: FleetUpgradeRun;
    try {
      run = await runToEnd({ imageTag: 'v2', userIds: users, maxUnavailable: 2, timeoutSeconds: 120, canary: { userIds: [canary2], soakSeconds: 6 } });
    } finally {
      await watch.stop();
    }
    expect(run.state, JSON.stringify(run.results)).toBe('succeeded');
    expect(run.results.map((r) => r.userId)).toEqual([canary2, canary1, ...rest]);
    expect(run.results.every((r) => r.status === 'upgraded')).toBe(true);
    expect(run.results[0]?.message).toBe('canary: healthy for 6 s on v2');
    const canaryAt = firstOnV2.get(`${canary2}-openclaw`) ?? Number.NaN;
    for (const userId of [canary1, ...rest]) {
      const at = firstOnV2.get(`${userId}-openclaw`) ?? Number.NaN;
      // The rest begins only after the canary was ready and then watched for its soak.
      expect(at - canaryAt, userId).toBeGreaterThanOrEqual(6000);
    }
    expect(mostDown).toBeGreaterThanOrEqual(1);
    expect(mostDown).toBeLessThanOrEqual(2);
    for (const userId of users) await answersHealth(userId);
  }, 900_000);

  it('rolls one instance back by hand to its last other image, and says when there is none left', async () => {
    const back = await api('POST', `/api/instances/${canary1}/rollback`, { timeoutSeconds: 120 });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ userId: canary1, imageTag: 'test', ready: true });
    expect(tagOf(await getObject<V1Deployment>('deployment', `${canary1}-openclaw`, NAMESPACE))).toBe('test');
    const [now] = await revisions(canary1);
    expect(now).toMatchObject({ revision: 5, imageTag: 'test', cause: 'Rollback to 3', status: 'deployed' });
    const none = await api('POST', `/api/instances/${canary1}/rollback`, {});
    expect(none.status, none.text).toBe(409);
    expect(none.body).toMatchObject({ code: 'NOTHING_TO_ROLL_BACK_TO' });
    const unknown = await api('POST', `/api/instances/${canary1}/rollback`, { revision: 42 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'REVISION_NOT_FOUND' });
    await answersHealth(canary1);
  }, 300_000);
});

// The manager with the helm runtime on the real control plane: real helm 4 with the post-renderer
// plugin, authenticated as the openclaw-manager ServiceAccount (manager/chart, templates/role.yaml), pods made
// Running by kwok, and RPCs to a real gateway on loopback (the URL template points at it and the
// instance's Secret holds its token).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import { loadKubeConfig } from '../../manager/src/runtime/create-runtime.js';
import { HelmRuntime } from '../../manager/src/runtime/helm/helm-runtime.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { startInstance, type GatewayInstance } from '../support/gateway-instance.js';
import { PLUGIN_DIRS, installPlugins, type PluginHome } from '../support/helm.js';
import { getObject, kubectl, waitFor } from '../support/kube.js';
import { serveApp, type JsonResponse, type ManagerHttp } from '../support/manager-http.js';
import { applyManagerRbac, serviceAccountKubeconfig } from '../support/service-account.js';

const KEY = 'helm-flow-key-0123456789abcdef';
const NAMESPACE = 'openclaw';
const OPENCLAW_VERSION = /^OPENCLAW_VERSION=(.+)$/m.exec(readFileSync('versions.env', 'utf8'))?.[1];
const suffix = randomBytes(3).toString('hex');
const alice = `alice-${suffix}`;
const racer = `racer-${suffix}`;

interface Manager {
  readonly http: ManagerHttp;
  readonly runtime: HelmRuntime;
  readonly pool: GatewayPool;
}

describe('manager on the helm runtime', () => {
  let plugins: PluginHome;
  let gateway: GatewayInstance;
  let config: ManagerConfig;
  let manager: Manager;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    manager.http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });

  async function startManager(): Promise<Manager> {
    const logger = createLogger('warn');
    const runtime = new HelmRuntime({ config, kubeConfig: loadKubeConfig(config), logger, gatewayToken: () => gateway.token });
    await runtime.start();
    const pool = new GatewayPool();
    const http = await serveApp(createApp(config, { runtime, pool, logger }));
    return { http, runtime, pool };
  }

  async function waitPhase(userId: string, phase: Instance['phase']): Promise<Instance> {
    return waitFor(`${userId} to be ${phase}`, async () => {
      const res = await api('GET', `/api/instances/${userId}`);
      const instance = res.body as Instance;
      return res.status === 200 && instance.phase === phase ? instance : undefined;
    }, 240_000);
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
      // Every instance's gateway is the real one on loopback.
      OPENCLAW_GATEWAY_URL_TEMPLATE: gateway.gatewayUrl,
    });
    manager = await startManager();
  }, 600_000);

  afterAll(async () => {
    for (const userId of [alice, racer]) {
      await kubectl(['delete', 'deploy,svc,secret,configmap,networkpolicy,pvc', '-n', NAMESPACE, '-l', `openclaw.ai/user=${userId}`, '--ignore-not-found', '--wait=false']).catch(() => undefined);
      await kubectl(['delete', 'secret', '-n', NAMESPACE, '-l', `name=${userId}-openclaw,owner=helm`, '--ignore-not-found']).catch(() => undefined);
    }
    await manager?.http.close();
    await manager?.pool.closeAll();
    await manager?.runtime.close();
    await gateway?.stop();
    plugins?.remove();
  });

  it('creates a user as the ServiceAccount, with the objects and names of the GUIDE, and reaches Running', async () => {
    const created = await api('POST', '/api/instances', { userId: alice, secrets: { ANTHROPIC_API_KEY: 'sk-ant-helm-test' } });
    expect([201, 202], created.text).toContain(created.status);
    expect(created.text).not.toContain('sk-ant-helm-test');
    expect(created.body).toMatchObject({
      userId: alice,
      image: 'us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:test',
      dataVolume: { name: `${alice}-openclaw-data`, kept: true },
      runtime: { kind: 'helm', namespace: NAMESPACE, release: `${alice}-openclaw`, deployment: `${alice}-openclaw` },
    });

    for (const kind of ['deployment', 'service', 'secret', 'configmap', 'networkpolicy']) {
      const object = await getObject<{ metadata: { labels: Record<string, string> } }>(kind, `${alice}-openclaw`, NAMESPACE);
      expect(object?.metadata.labels, kind).toMatchObject({ 'openclaw.ai/user': alice, 'app.kubernetes.io/managed-by': 'Helm' });
    }
    expect(await getObject('pvc', `${alice}-openclaw-data`, NAMESPACE)).toBeDefined();
    expect(await kubectl(['get', 'ingress', '-n', NAMESPACE, '-l', `openclaw.ai/user=${alice}`, '-o', 'name'])).toBe('');
    const secret = await getObject<{ data: Record<string, string> }>('secret', `${alice}-openclaw`, NAMESPACE);
    expect(Buffer.from(secret?.data.ANTHROPIC_API_KEY ?? '', 'base64').toString()).toBe('sk-ant-helm-test');

    const running = await waitPhase(alice, 'Running');
    expect(running).toMatchObject({ ready: true, dataVolume: { phase: 'Bound' }, runtime: { node: expect.stringContaining('kwok') } });

    const list = (await api('GET', '/api/instances')).body as { instances: Instance[] };
    expect(list.instances.map((i) => i.userId)).toContain(alice);
    expect((await api('POST', '/api/instances', { userId: alice })).status).toBe(409);
  }, 300_000);

  it('answers RPCs through the gateway the URL template names, with the token from the user\'s Secret', async () => {
    const status = await api('POST', `/api/instances/${alice}/rpc`, { method: 'status' });
    expect(status.status, status.text).toBe(200);
    expect((status.body as { result: { runtimeVersion: string } }).result.runtimeVersion).toBe(OPENCLAW_VERSION);
    const unknown = await api('POST', `/api/instances/${alice}/rpc`, { method: 'no.such.method' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('rebuilds its view from the cluster after a restart (no state of its own)', async () => {
    await manager.http.close();
    await manager.pool.closeAll();
    await manager.runtime.close();
    manager = await startManager();
    expect((await api('GET', `/api/instances/${alice}`)).body).toMatchObject({ userId: alice, phase: 'Running' });
  });

  it('deletes keeping the PVC, re-adopts it on re-create, then purges it', async () => {
    const pvcUid = (await getObject<{ metadata: { uid: string } }>('pvc', `${alice}-openclaw-data`, NAMESPACE))?.metadata.uid;
    const deleted = await api('DELETE', `/api/instances/${alice}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, dataVolume: { name: `${alice}-openclaw-data`, kept: true } });
    expect(await getObject('deployment', `${alice}-openclaw`, NAMESPACE)).toBeUndefined();
    expect(await getObject('secret', `${alice}-openclaw`, NAMESPACE)).toBeUndefined();
    expect((await getObject<{ metadata: { uid: string } }>('pvc', `${alice}-openclaw-data`, NAMESPACE))?.metadata.uid).toBe(pvcUid);
    await expect.poll(async () => (await api('GET', `/api/instances/${alice}`)).status, { timeout: 30_000 }).toBe(404);

    expect([201, 202]).toContain((await api('POST', '/api/instances', { userId: alice })).status);
    await waitPhase(alice, 'Running');
    expect((await getObject<{ metadata: { uid: string } }>('pvc', `${alice}-openclaw-data`, NAMESPACE))?.metadata.uid).toBe(pvcUid);

    expect((await api('DELETE', `/api/instances/${alice}?preservePvc=nope`)).status).toBe(400);
    const purged = await api('DELETE', `/api/instances/${alice}?preservePvc=false`);
    expect(purged.status, purged.text).toBe(200);
    expect(purged.body).toMatchObject({ dataVolume: { kept: false } });
    expect(await getObject('pvc', `${alice}-openclaw-data`, NAMESPACE)).toBeUndefined();
    expect((await api('DELETE', `/api/instances/${alice}`)).status).toBe(404);
  }, 300_000);

  it('lets exactly one of 10 parallel creates of one user win', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/api/instances', { userId: racer })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201 || s === 202), JSON.stringify(answers.map((a) => a.text))).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    expect((await api('DELETE', `/api/instances/${racer}?preservePvc=false`)).status).toBe(200);
    expect(await kubectl(['get', 'deploy,pvc,secret', '-n', NAMESPACE, '-l', `openclaw.ai/user=${racer}`, '-o', 'name'])).toBe('');
  }, 300_000);
});

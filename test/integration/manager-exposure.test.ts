// The manager's two ways to expose gateways, on the real control plane as the openclaw-manager
// ServiceAccount: with OPENCLAW_INGRESS_ENABLED, or with OPENCLAW_GATEWAY_API_ENABLED and the Gateway
// named in an OPENCLAW_VALUES_FILES overlay, a created user gets exactly that mode's public objects
// through the post-renderer, and stop/start (reuse-values upgrades) pass the post-renderer's opt-in
// again, or it would refuse the objects the release already has.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../manager/src/app.js';
import { loadConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import { loadKubeConfig } from '../../manager/src/runtime/create-runtime.js';
import { HelmRuntime } from '../../manager/src/runtime/helm/helm-runtime.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { PLUGIN_DIRS, installPlugins, type PluginHome } from '../support/helm.js';
import { getObject, kubectl, waitFor } from '../support/kube.js';
import { serveApp, type JsonResponse, type ManagerHttp } from '../support/manager-http.js';
import { valuesFile } from '../support/render-chart.js';
import { applyManagerRbac, serviceAccountKubeconfig } from '../support/service-account.js';

const KEY = 'exposure-flow-key-0123456789abcdef';
const NAMESPACE = 'openclaw';
const INGRESS_KINDS = ['ingress.networking.k8s.io', 'managedcertificate.networking.gke.io', 'backendconfig.cloud.google.com', 'frontendconfig.networking.gke.io'];
const GATEWAY_API_KINDS = ['httproute.gateway.networking.k8s.io', 'gcpbackendpolicy.networking.gke.io', 'healthcheckpolicy.networking.gke.io'];

const modes = [
  { name: 'an Ingress', env: () => ({ OPENCLAW_INGRESS_ENABLED: 'true' }), kinds: INGRESS_KINDS, absent: GATEWAY_API_KINDS },
  {
    name: 'an HTTPRoute',
    env: () => ({
      OPENCLAW_GATEWAY_API_ENABLED: 'true',
      OPENCLAW_VALUES_FILES: valuesFile({ gatewayApi: { parentRef: { name: 'external-http', namespace: 'gateway-infra', sectionName: 'https' } } }),
    }),
    kinds: GATEWAY_API_KINDS,
    absent: INGRESS_KINDS,
  },
];

describe.each(modes)('the manager exposing each gateway through $name', (mode) => {
  const user = `pub-${randomBytes(3).toString('hex')}`;
  const name = `${user}-openclaw`;
  let plugins: PluginHome;
  let runtime: HelmRuntime;
  let pool: GatewayPool;
  let http: ManagerHttp;

  const api = (method: string, p: string, body?: unknown): Promise<JsonResponse> =>
    http.request(method, p, { key: KEY, ...(body !== undefined ? { body } : {}) });
  const phase = (wanted: Instance['phase']) => waitFor(`${user} to be ${wanted}`, async () => {
    const res = await api('GET', `/api/instances/${user}`);
    return res.status === 200 && (res.body as Instance).phase === wanted ? wanted : undefined;
  }, 240_000);
  const existing = async (kinds: readonly string[]) => {
    const found: string[] = [];
    for (const kind of kinds) if (await getObject(kind, name, NAMESPACE)) found.push(kind);
    return found;
  };

  beforeAll(async () => {
    await applyManagerRbac();
    plugins = await installPlugins([PLUGIN_DIRS.postrender]);
    const config = loadConfig({
      ...(plugins.env as Record<string, string>),
      OPENCLAW_MANAGER_API_KEY: KEY,
      OPENCLAW_RUNTIME: 'helm',
      OPENCLAW_NAMESPACE: NAMESPACE,
      KUBECONFIG: await serviceAccountKubeconfig(NAMESPACE, 'openclaw-manager'),
      HELM_BIN: process.env.HELM_BIN ?? '',
      OPENCLAW_IMAGE_TAG: 'test',
      ...mode.env(),
    });
    const logger = createLogger('warn');
    runtime = new HelmRuntime({ config, kubeConfig: loadKubeConfig(config), logger });
    await runtime.start();
    pool = new GatewayPool();
    http = await serveApp(createApp(config, { runtime, pool, logger }));
  }, 600_000);

  afterAll(async () => {
    await kubectl(['delete', 'deploy,svc,secret,configmap,networkpolicy,pvc', '-n', NAMESPACE, '-l', `openclaw.ai/user=${user}`, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await kubectl(['delete', [...INGRESS_KINDS, ...GATEWAY_API_KINDS].join(','), '-n', NAMESPACE, '-l', `openclaw.ai/user=${user}`, '--ignore-not-found']).catch(() => undefined);
    await kubectl(['delete', 'secret', '-n', NAMESPACE, '-l', `name=${name},owner=helm`, '--ignore-not-found']).catch(() => undefined);
    await http?.close();
    await pool?.closeAll();
    await runtime?.close();
    plugins?.remove();
  });

  it('creates the user with that mode\'s public objects only, accepted by the API server', async () => {
    const created = await api('POST', '/api/instances', { userId: user });
    expect([201, 202], created.text).toContain(created.status);
    await phase('Running');
    expect(await existing(mode.kinds)).toEqual(mode.kinds);
    expect(await existing(mode.absent)).toEqual([]);
  }, 300_000);

  it('stops and starts it, the public objects kept', async () => {
    const stopped = await api('POST', `/api/instances/${user}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    await phase('Stopped');
    expect(await existing(mode.kinds)).toEqual(mode.kinds);
    const started = await api('POST', `/api/instances/${user}/start`);
    expect([200, 202], started.text).toContain(started.status);
    await phase('Running');
  }, 300_000);

  it('purges it, the public objects with it', async () => {
    const purged = await api('DELETE', `/api/instances/${user}?preservePvc=false`);
    expect(purged.status, purged.text).toBe(200);
    expect(await existing(mode.kinds)).toEqual([]);
  }, 300_000);
});

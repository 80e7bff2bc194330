// A manager on the helm runtime, in this process, for fault tests: real helm with the post-renderer
// from a private plugin home, the admin kubeconfig of a test control plane, a namespace of its own.
import { createApp } from '../../manager/src/app.js';
import { loadConfig, type ManagerConfig } from '../../manager/src/config.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createLogger } from '../../manager/src/logger.js';
import { loadKubeConfig } from '../../manager/src/runtime/create-runtime.js';
import { HelmRuntime } from '../../manager/src/runtime/helm/helm-runtime.js';
import { PLUGIN_DIRS, installPlugins, type PluginHome } from './helm.js';
import { kubectl, kubectlRun, waitFor } from './kube.js';
import { serveApp, type JsonResponse, type ManagerHttp } from './manager-http.js';

export const HELM_MANAGER_KEY = 'helm-fault-key-0123456789abcdef';

export interface HelmManager {
  readonly http: ManagerHttp;
  readonly runtime: HelmRuntime;
  readonly pool: GatewayPool;
  readonly config: ManagerConfig;
  /** A request with the manager's Bearer key. */
  api(method: string, path: string, body?: unknown): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface HelmManagerOptions {
  readonly namespace: string;
  /** Default: KUBECONFIG of this process (the shared test cluster). */
  readonly kubeconfig?: string;
  /** Extra manager settings. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The helm environment with the post-renderer installed (remove() it after the suite). */
export function helmPlugins(): Promise<PluginHome> {
  return installPlugins([PLUGIN_DIRS.postrender]);
}

/** The manager configuration for `options` (what main.ts would read from the environment). */
export function helmManagerEnv(plugins: PluginHome, options: HelmManagerOptions): Record<string, string> {
  const kubeconfig = options.kubeconfig ?? process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: integration tests get it from the global setup');
  return {
    ...(plugins.env as Record<string, string>),
    OPENCLAW_MANAGER_API_KEY: HELM_MANAGER_KEY,
    OPENCLAW_RUNTIME: 'helm',
    OPENCLAW_NAMESPACE: options.namespace,
    KUBECONFIG: kubeconfig,
    HELM_BIN: process.env.HELM_BIN ?? '',
    OPENCLAW_IMAGE_TAG: 'test',
    ...options.env,
  };
}

export async function startHelmManager(plugins: PluginHome, options: HelmManagerOptions): Promise<HelmManager> {
  const config = loadConfig(helmManagerEnv(plugins, options));
  const logger = createLogger('warn');
  const runtime = new HelmRuntime({ config, kubeConfig: loadKubeConfig(config), logger });
  await runtime.start();
  const pool = new GatewayPool();
  const app = createApp(config, { runtime, pool, logger });
  await app.backups.settle();
  const http = await serveApp(app);
  return {
    http,
    runtime,
    pool,
    config,
    api: (method, path, body) => http.request(method, path, { key: HELM_MANAGER_KEY, ...(body !== undefined ? { body } : {}) }),
    close: async () => {
      await http.close();
      await pool.closeAll();
      await runtime.close();
    },
  };
}

/** Creates `name` (if missing) and waits for its default ServiceAccount, which pods need. */
export async function ensureNamespace(name: string, kubeconfig?: string): Promise<void> {
  const env = kubeconfig ? { ...process.env, KUBECONFIG: kubeconfig } : process.env;
  const existing = await kubectlRun(['get', 'namespace', name], { env });
  if (existing.exitCode !== 0) await kubectl(['create', 'namespace', name], { env });
  await waitFor(`serviceaccount ${name}/default`, async () => ((await kubectlRun(['get', 'serviceaccount', 'default', '-n', name], { env })).exitCode === 0 ? true : undefined), 60_000);
}

/** Every object of the user's instance left in `namespace` (kind/name), helm's release records included. */
export async function leftovers(userId: string, namespace: string, kubeconfig?: string): Promise<string[]> {
  const env = kubeconfig ? { ...process.env, KUBECONFIG: kubeconfig } : process.env;
  const objects = await kubectl(['get', 'deploy,rs,pod,svc,secret,configmap,networkpolicy,pvc', '-n', namespace, '-l', `openclaw.ai/user=${userId}`, '-o', 'name'], { env });
  const records = await kubectl(['get', 'secret', '-n', namespace, '-l', `owner=helm,name=${userId}-openclaw`, '-o', 'name'], { env });
  return `${objects}\n${records}`.split('\n').filter((line) => line !== '');
}

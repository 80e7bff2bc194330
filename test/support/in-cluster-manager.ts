// The manager as it runs on GKE: a pod from manager/chart (ServiceAccount, Role, Deployment, Service,
// NetworkPolicy), installed with helm and values that change only what an operator's own would.
// Tests reach it through its Service from this machine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ImageRef } from './setup-cluster.js';
import { kubectl, kubectlRun, waitFor } from './kube.js';
import type { RbacCaller } from './manager-rbac-suite.js';
import { requestJson, type JsonResponse, type RequestOptions } from './manager-http.js';
import { installManagerChart, uninstallManagerChart } from './manager-chart.js';
import { managerClient } from './manager-process.js';
import { REAL_NODE_LABEL, REAL_NODE_TOLERATION, REAL_NODE_VALUES } from './real-node.js';
import { noteSecret, recordOutput } from './secret-capture.js';

const REPO = path.resolve(import.meta.dirname, '../..');
export const MANAGER_NAMESPACE = 'openclaw';
const NAME = 'openclaw-manager';

export interface InClusterManager {
  /** The manager's Service, as pods and (through /etc/hosts) this machine name it. */
  readonly url: string;
  /** The name of its one running pod. */
  pod(): Promise<string>;
  api(method: string, path: string, body?: unknown, options?: Omit<RequestOptions, 'key' | 'body'>): Promise<JsonResponse>;
  /** Its log (the running container's). */
  logs(): Promise<string>;
  remove(): Promise<void>;
}

export interface InClusterManagerOptions {
  readonly apiKey: string;
  readonly managerImage: ImageRef;
  readonly instanceImage: ImageRef;
}

/** Where pods reach the API server: the endpoint of the Service `kubernetes`, which NetworkPolicy sees. */
export async function apiServerEndpoint(): Promise<{ address: string; port: number }> {
  const slices = JSON.parse(await kubectl(['get', 'endpointslices', '-n', 'default', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'json'])) as {
    items: { endpoints?: { addresses: string[] }[]; ports?: { port: number }[] }[];
  };
  const slice = slices.items[0];
  const address = slice?.endpoints?.[0]?.addresses[0];
  const port = slice?.ports?.[0]?.port;
  if (!address || !port) throw new Error(`the Service kubernetes has no endpoint: ${JSON.stringify(slices)}`);
  return { address, port };
}

/**
 * The chart's values for this cluster, what an operator's values file would change: the image (in
 * the node's containerd and in no registry), where instances run (the real node, through a shared
 * values file), where the manager itself runs, and the API server's address in its egress policy.
 */
function chartValues(options: InClusterManagerOptions, apiServer: { address: string; port: number }): unknown {
  return {
    image: { repository: options.managerImage.repository, tag: options.managerImage.tag, pullPolicy: 'Never' },
    nodeSelector: REAL_NODE_LABEL,
    tolerations: [REAL_NODE_TOLERATION],
    instances: {
      imageRepository: options.instanceImage.repository,
      imageTag: options.instanceImage.tag,
      values: { 'real-node.yaml': parse(readFileSync(path.join(REPO, REAL_NODE_VALUES), 'utf8')) as unknown },
    },
    env: { OPENCLAW_LOG_LEVEL: 'info' },
    networkPolicy: { apiServer: { cidr: `${apiServer.address}/32`, port: apiServer.port } },
  };
}

async function runningPod(): Promise<string | undefined> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', MANAGER_NAMESPACE, '-l', `app.kubernetes.io/name=${NAME}`, '-o', 'json'])) as {
    items: { metadata: { name: string; deletionTimestamp?: string }; status: { conditions?: { type: string; status: string }[] } }[];
  };
  const ready = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return ready.length === 1 ? ready[0]?.metadata.name : undefined;
}

/** Deploys the manager (its Secret first) and waits until its Service answers /health from here. */
export async function deployInClusterManager(options: InClusterManagerOptions): Promise<InClusterManager> {
  noteSecret(options.apiKey);
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: NAME, namespace: MANAGER_NAMESPACE }, stringData: { API_KEY: options.apiKey } };
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(secret) });
  await installManagerChart(MANAGER_NAMESPACE, chartValues(options, await apiServerEndpoint()));
  const rollout = await kubectlRun(['rollout', 'status', `deployment/${NAME}`, '-n', MANAGER_NAMESPACE, '--timeout=180s']);
  if (rollout.exitCode !== 0) {
    const described = await kubectlRun(['describe', 'pods', '-n', MANAGER_NAMESPACE, '-l', `app.kubernetes.io/name=${NAME}`]);
    throw new Error(`the manager did not roll out: ${rollout.stderr}\n${described.stdout}`);
  }
  const url = `http://${NAME}.${MANAGER_NAMESPACE}.svc.cluster.local:3000`;
  // Right after the cluster came up, kube-proxy's first sync of the new Service and the hosts block
  // for its name can take most of a minute; say what was missing if it never answers.
  await waitFor(`${url}/health from this machine`, async () => ((await requestJson(url, 'GET', '/health').catch(() => undefined))?.status === 200 ? true : undefined), 150_000)
    .catch(async (err: unknown) => {
      const endpoints = await kubectlRun(['get', 'endpointslices', '-n', MANAGER_NAMESPACE, '-l', `kubernetes.io/service-name=${NAME}`, '-o', 'wide']);
      const hosts = readFileSync('/etc/hosts', 'utf8').split('\n').filter((line) => line.includes(NAME)).join('\n');
      throw new Error(`${(err as Error).message}\nendpoints:\n${endpoints.stdout}\n/etc/hosts:\n${hosts || '(no line for the Service)'}`);
    });

  const pod = () => waitFor('one ready manager pod', runningPod, 120_000);
  return {
    url,
    pod,
    api: managerClient(url, options.apiKey),
    logs: async () => {
      const log = await kubectl(['logs', '-n', MANAGER_NAMESPACE, await pod(), '-c', 'manager']);
      for (const line of log.split('\n')) recordOutput('manager-pod', line);
      return log;
    },
    remove: async () => {
      await uninstallManagerChart(MANAGER_NAMESPACE);
      await kubectlRun(['delete', 'secret', NAME, '-n', MANAGER_NAMESPACE, '--ignore-not-found']);
    },
  };
}

/**
 * helm and kubectl inside the manager's pod, as its ServiceAccount (the token Kubernetes mounted):
 * the image's own helm with its post-renderer plugin and chart, and the pinned kubectl copied in.
 */
export async function rbacCallerInPod(manager: InClusterManager): Promise<RbacCaller> {
  const pod = await manager.pod();
  const exec = (args: readonly string[], options: { input?: string; inputFile?: string } = {}) =>
    kubectlRun(['exec', ...(options.input !== undefined || options.inputFile !== undefined ? ['-i'] : []), '-n', MANAGER_NAMESPACE, pod, '-c', 'manager', '--', ...args], options);
  const kubectlBin = process.env.KUBECTL;
  if (!kubectlBin) throw new Error('KUBECTL is not set: the global setup sets it');
  const copied = await exec(['sh', '-c', 'cat > /tmp/kubectl && chmod 0755 /tmp/kubectl'], { inputFile: kubectlBin });
  if (copied.exitCode !== 0) throw new Error(`copying kubectl into ${pod} failed: ${copied.stderr}`);
  return {
    helm: (args) => exec(['helm', ...args]),
    kubectl: (args) => exec(['/tmp/kubectl', ...args]),
    chart: '/app/chart',
    writeValues: async (values) => {
      const written = await exec(['sh', '-c', 'cat > /tmp/rbac-values.yaml'], { input: JSON.stringify(values) });
      if (written.exitCode !== 0) throw new Error(`writing values into ${pod} failed: ${written.stderr}`);
      return '/tmp/rbac-values.yaml';
    },
    close: async () => {
      await exec(['rm', '-f', '/tmp/kubectl', '/tmp/rbac-values.yaml']);
    },
  };
}

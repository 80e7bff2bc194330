// Finds a user's instance in the cluster the way Helm sees it: the kubeconfig and context Helm was
// given, the gateway pod labelled openclaw.ai/user=<id>, and the gateway token from Secret <id>-openclaw.
// The token is returned to the caller only; it never appears in a message.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ApiException, CoreV1Api, KubeConfig, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import { GATEWAY_TOKEN_KEY, gatewayPodSelector, objectName, USER_LABEL } from 'openclaw-platform/core';
import type { Connection } from './args.js';
import { ClusterUnavailable, InstanceNotFoundInCluster } from './errors.js';


export interface KubeTarget {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly podName: string;
}

/** Secret of a user's instance (chart: `<userId>-openclaw`). */
const secretName = objectName;

/**
 * Whether there is any cluster to find without --kubeconfig: a KUBECONFIG file, ~/.kube/config, or
 * the service account of the pod this runs in. Without one the client library falls back to
 * http://localhost:8080, which only ever fails, and with a message about TLS.
 */
function defaultClusterConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  if (listed.some((file) => existsSync(file))) return true;
  if (listed.length === 0 && existsSync(path.join(homedir(), '.kube', 'config'))) return true;
  return env.KUBERNETES_SERVICE_HOST !== undefined && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
}

/** The kubeconfig Helm uses: --kubeconfig / KUBECONFIG, else the default places; then the context. */
export function loadKubeConfig(connection: Pick<Connection, 'kubeconfig' | 'kubeContext'>): KubeConfig {
  if (!connection.kubeconfig && !defaultClusterConfigured()) {
    throw new ClusterUnavailable('No cluster configured: no --kubeconfig, KUBECONFIG or ~/.kube/config, and not in a pod (or use --manager-url to go through the manager)');
  }
  const kc = new KubeConfig();
  try {
    if (connection.kubeconfig) kc.loadFromFile(connection.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new ClusterUnavailable(`Cannot load the kubeconfig${connection.kubeconfig ? ` ${connection.kubeconfig}` : ''}: ${(err as Error).message}`);
  }
  if (connection.kubeContext) {
    if (!kc.getContextObject(connection.kubeContext)) throw new ClusterUnavailable(`The kubeconfig has no context "${connection.kubeContext}"`);
    kc.setCurrentContext(connection.kubeContext);
  }
  if (!kc.getCurrentCluster()) throw new ClusterUnavailable('The kubeconfig names no cluster (set KUBECONFIG or pass --kube-context)');
  return kc;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The pod to talk to: a Running and Ready one, else why there is none (pure).
 * @example choosePod([], 'alice', 'openclaw') // { reason: 'No pod labelled openclaw.ai/user=alice in namespace openclaw ...' }
 */
export function choosePod(pods: readonly V1Pod[], userId: string, namespace: string): { name: string } | { reason: string } {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const ready = live.find(isReady);
  if (ready?.metadata?.name) return { name: ready.metadata.name };
  if (live.length === 0) {
    return { reason: `No pod labelled ${USER_LABEL}=${userId} in namespace ${namespace}: is the instance installed (and scaled up)?` };
  }
  const states = live.map((p) => `${p.metadata?.name ?? '?'} is ${p.status?.phase ?? 'Unknown'}${p.status?.phase === 'Running' ? ', not Ready' : ''}`);
  return { reason: `No ready pod for user ${userId} in namespace ${namespace}: ${states.join('; ')}` };
}

/** The gateway token in the user's Secret, decoded (pure). */
export function gatewayTokenFrom(secret: V1Secret, userId: string, namespace: string): string {
  const encoded = secret.data?.[GATEWAY_TOKEN_KEY];
  const token = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : secret.stringData?.[GATEWAY_TOKEN_KEY];
  if (!token) throw new InstanceNotFoundInCluster(`Secret ${secretName(userId)} in namespace ${namespace} has no ${GATEWAY_TOKEN_KEY}`);
  return token;
}

function apiFailure(err: unknown, what: string): Error {
  if (err instanceof ApiException) {
    if (err.code === 401 || err.code === 403) return new ClusterUnavailable(`The cluster refused to ${what} (HTTP ${err.code}): check your kubeconfig user's permissions`);
    return new ClusterUnavailable(`Cannot ${what}: HTTP ${err.code}`);
  }
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = (err as { code?: unknown }).code ?? cause?.code;
  return new ClusterUnavailable(`Cannot ${what}: ${typeof code === 'string' ? code : (err as Error).message}`);
}

/** Finds the user's ready pod. @throws InstanceNotFoundInCluster, ClusterUnavailable */
export async function findInstancePod(kc: KubeConfig, namespace: string, userId: string): Promise<KubeTarget> {
  const core = kc.makeApiClient(CoreV1Api);
  let pods: V1Pod[];
  try {
    pods = (await core.listNamespacedPod({ namespace, labelSelector: gatewayPodSelector(userId) })).items;
  } catch (err) {
    throw apiFailure(err, `list pods in namespace ${namespace}`);
  }
  const chosen = choosePod(pods, userId, namespace);
  if ('reason' in chosen) throw new InstanceNotFoundInCluster(chosen.reason);
  return { kubeConfig: kc, namespace, podName: chosen.name };
}

/** Reads the user's gateway token. @throws InstanceNotFoundInCluster, ClusterUnavailable */
export async function readGatewayToken(kc: KubeConfig, namespace: string, userId: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  let secret: V1Secret;
  try {
    secret = await core.readNamespacedSecret({ name: secretName(userId), namespace });
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) {
      throw new InstanceNotFoundInCluster(`No Secret ${secretName(userId)} in namespace ${namespace}: is the instance installed?`);
    }
    throw apiFailure(err, `read Secret ${secretName(userId)} in namespace ${namespace}`);
  }
  return gatewayTokenFrom(secret, userId, namespace);
}

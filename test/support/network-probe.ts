// Reachability probes from inside real pods on the real node, where kube-router enforces
// NetworkPolicy: a TCP connect (or a DNS lookup) run with `kubectl exec` by the Node.js that the
// instance and manager images carry. Probe pods and listeners use the instance image too: it is
// already in the node's containerd, and it runs under Pod Security "restricted".
import { kubectl, kubectlRun } from './kube.js';
import { REAL_NODE_LABEL, REAL_NODE_TOLERATION } from './real-node.js';
import type { ImageRef } from './setup-cluster.js';

/** connected: the peer accepted; refused: a TCP reset or ICMP reject; timeout: no answer in time. */
export type ProbeResult = 'connected' | 'refused' | 'timeout' | `error ${string}`;

/** How long a blocked connection may take to fail; a denial must come within it. */
export const PROBE_TIMEOUT_MS = 3_000;

const CONNECT = `const [host, port, ms] = process.argv.slice(1);
const socket = require('node:net').connect({ host, port: Number(port) });
const done = (result) => { console.log(result); socket.destroy(); process.exit(0); };
socket.setTimeout(Number(ms), () => done('timeout'));
socket.on('connect', () => done('connected'));
socket.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));`;

const LOOKUP = `require('node:dns').promises.lookup(process.argv[1]).then(
  (a) => console.log(a.address), (e) => console.log('error ' + e.code));`;

/** A pod and the container in it that runs the probes. */
export interface ProbeSource {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

async function execNode(from: ProbeSource, script: string, args: readonly string[]): Promise<string> {
  const run = await kubectlRun(['exec', '-n', from.namespace, from.pod, '-c', from.container, '--', 'node', '-e', script, ...args]);
  if (run.exitCode !== 0) throw new Error(`node in ${from.namespace}/${from.pod} failed (${run.exitCode}): ${run.stderr}`);
  return run.stdout.trim();
}

/** Opens a TCP connection to host:port from inside the pod. */
export async function probeTcp(from: ProbeSource, host: string, port: number): Promise<ProbeResult> {
  return (await execNode(from, CONNECT, [host, String(port), String(PROBE_TIMEOUT_MS)])) as ProbeResult;
}

/** Resolves a name with the pod's resolver; the address, or "error <code>". */
export function probeDns(from: ProbeSource, name: string): Promise<string> {
  return execNode(from, LOOKUP, [name]);
}

export const isBlocked = (result: ProbeResult): boolean => result === 'refused' || result === 'timeout';

const IDLE = `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1 << 30);`;
// A prober closes at once, which can reset the connection: that must not end the listener.
const listen = (port: number) => `process.on('SIGTERM', () => process.exit(0));
require('node:net').createServer((socket) => { socket.on('error', () => {}); socket.end('probe listener\\n'); }).listen(${port});`;

export interface ProbePodOptions {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly image: ImageRef;
  /** Listen on this TCP port (a peer to reach) instead of idling (a source to probe from). */
  readonly listenPort?: number;
}

/** Starts a probe pod on the real node and waits until it is Ready; returns its IP. */
export async function startProbePod(options: ProbePodOptions): Promise<{ source: ProbeSource; ip: string }> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: options.name, namespace: options.namespace, labels: { 'openclaw.ai/test': 'network-probe', ...options.labels } },
    spec: {
      nodeSelector: REAL_NODE_LABEL,
      tolerations: [REAL_NODE_TOLERATION],
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'probe',
        image: `${options.image.repository}:${options.image.tag}`,
        imagePullPolicy: 'Never',
        command: ['node', '-e', options.listenPort === undefined ? IDLE : listen(options.listenPort)],
        ...(options.listenPort === undefined ? {} : { readinessProbe: { tcpSocket: { port: options.listenPort }, periodSeconds: 1 } }),
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
  await kubectl(['wait', '--for=condition=Ready', `pod/${options.name}`, '-n', options.namespace, '--timeout=180s']);
  const ip = (await kubectl(['get', 'pod', options.name, '-n', options.namespace, '-o', 'jsonpath={.status.podIP}'])).trim();
  return { source: { namespace: options.namespace, pod: options.name, container: 'probe' }, ip };
}

/**
 * Runs `fn` with the NetworkPolicies `names` deleted, then puts the same objects back (helm's ownership
 * labels and annotations included, so their releases still own them).
 */
export async function withoutNetworkPolicies<T>(namespace: string, names: readonly string[], fn: () => Promise<T>): Promise<T> {
  // What the API server set on the live objects goes; everything their owners wrote stays.
  const serverSet = new Set(['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']);
  const saved = await Promise.all(names.map(async (name) => {
    const live = JSON.parse(await kubectl(['get', 'networkpolicy', name, '-n', namespace, '-o', 'json'])) as { metadata: Record<string, unknown> };
    return { ...live, metadata: Object.fromEntries(Object.entries(live.metadata).filter(([key]) => !serverSet.has(key))) };
  }));
  await kubectl(['delete', 'networkpolicy', ...names, '-n', namespace]);
  try {
    return await fn();
  } finally {
    await kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: saved }) });
  }
}

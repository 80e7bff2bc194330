// `scripts/test-cluster down` on the shared cluster while a pod runs on its real node with a volume of
// its CSI driver: every trace the node left on this machine (processes, the CSI driver and sidecars
// among them, mounts, cgroups, iptables chains and kube-router's ipsets, the bridge, network
// namespaces, the /etc/hosts block) is there before and gone after, the CSI volumes with the state;
// then `up` brings the cluster and its node back, and a pod runs again, for the suites that follow.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureNamespace } from '../support/helm-manager.js';
import { kubectl, waitFor } from '../support/kube.js';
import { REAL_NODE_NAME } from '../support/real-node.js';

const STATE = path.dirname(process.env.KUBECONFIG ?? '/nonexistent/kubeconfig');
const CACHE = process.env.OPENCLAW_PLATFORM_CACHE ?? path.join(homedir(), '.cache', 'openclaw-platform');
const CONTAINERD_ROOT = path.join(CACHE, 'containerd', 'root');
const BRIDGE = 'octest0';
const PAUSE_IMAGE = 'localhost/openclaw-test-cluster/pause:1';

interface Traces {
  readonly processes: string[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly chains: string[];
  readonly ipsets: string[];
  readonly bridge: boolean;
  readonly netns: string[];
  readonly hostsBlock: boolean;
}

async function commandOutput(command: string, args: readonly string[]): Promise<string> {
  const result = await execa(command, [...args], { reject: false });
  return result.exitCode === 0 ? result.stdout : '';
}

/** What the cluster's node left on this machine, right now. */
async function traces(): Promise<Traces> {
  const processes: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue;
    }
    if (cmdline.includes(`${STATE}/`) || /^\/pause\b/.test(cmdline) || /containerd-shim/.test(cmdline)) processes.push(`${pid} ${cmdline.slice(0, 120)}`);
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1] ?? '')
    .filter((target) => [STATE, CONTAINERD_ROOT, '/run/netns', '/tmp/openclaw-test-cluster'].some((dir) => target === dir || target.startsWith(`${dir}/`)));
  const cgroups = readdirSync('/sys/fs/cgroup').map((controller) => `/sys/fs/cgroup/${controller}/kubepods`).filter((dir) => existsSync(dir));
  const chains: string[] = [];
  for (const tool of ['iptables-save', 'ip6tables-save']) {
    for (const line of (await commandOutput(tool, [])).split('\n')) if (/^:(KUBE|CNI)-/.test(line)) chains.push(`${tool} ${line.split(' ')[0]}`);
  }
  const ipsets = (await commandOutput('ipset', ['list', '-n'])).split('\n').filter((name) => /^(inet6:)?(KUBE-|kube-router-)/.test(name));
  const bridge = (await execa('ip', ['link', 'show', BRIDGE], { reject: false })).exitCode === 0;
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').filter((name) => name.startsWith('cni-')) : [];
  const hostsBlock = readFileSync('/etc/hosts', 'utf8').includes('# openclaw-test-cluster services: begin');
  return { processes, mounts, cgroups, chains, ipsets, bridge, netns, hostsBlock };
}

/**
 * A pause container on the real node, in a namespace of its own, under a NetworkPolicy (so that
 * kube-router has made its chains and ipsets for it), with a claim of the CSI driver's StorageClass
 * mounted; resolves once it runs.
 */
async function runPauseOnRealNode(): Promise<void> {
  await ensureNamespace('teardown-probe');
  await kubectl(['apply', '-n', 'teardown-probe', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'probe' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] },
    }),
  });
  await kubectl(['apply', '-n', 'teardown-probe', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'probe' },
      spec: { storageClassName: 'csi-hostpath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }),
  });
  await kubectl(['apply', '-n', 'teardown-probe', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe' },
      spec: {
        nodeSelector: { 'openclaw.ai/test-node': 'real' },
        tolerations: [{ key: 'openclaw.ai/real-node', operator: 'Exists', effect: 'NoSchedule' }],
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'pause', image: PAUSE_IMAGE, imagePullPolicy: 'Never',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'probe' } }],
      },
    }),
  });
  await waitFor('the probe pod Running on the real node', async () => {
    const phase = await kubectl(['get', 'pod', 'probe', '-n', 'teardown-probe', '-o', 'jsonpath={.spec.nodeName} {.status.phase}']);
    return phase === `${REAL_NODE_NAME} Running` ? true : undefined;
  }, 120_000);
}

const testCluster = (command: string) => execa('bash', ['scripts/test-cluster', command], { reject: false, all: true });

describe('scripts/test-cluster down with the real node', () => {
  it('undoes everything the node did, and up brings it back', async () => {
    await runPauseOnRealNode();
    const before = await traces();
    // Each kind of trace exists while the node runs, so its absence afterwards means something.
    expect(before.processes.some((p) => /kubelet/.test(p)), before.processes.join('\n')).toBe(true);
    expect(before.processes.some((p) => /containerd-shim/.test(p)), before.processes.join('\n')).toBe(true);
    expect(before.mounts.some((m) => m.startsWith(`${STATE}/`)), before.mounts.join('\n')).toBe(true);
    for (const component of ['csi-hostpath', 'csi-provisioner', 'csi-snapshotter', 'snapshot-controller']) {
      expect(before.processes.some((p) => p.includes(`/${component} `)), before.processes.join('\n')).toBe(true);
    }
    expect(before.mounts.some((m) => m.includes('/kubernetes.io~csi/')), before.mounts.join('\n')).toBe(true);
    expect(before.cgroups.length).toBeGreaterThan(0);
    expect(before.chains.some((c) => c.endsWith(':KUBE-SERVICES')), before.chains.join('\n')).toBe(true);
    expect(before.chains.some((c) => c.endsWith(':KUBE-FIREWALL')), before.chains.join('\n')).toBe(true);
    expect(before.chains.some((c) => c.endsWith(':KUBE-ROUTER-FORWARD')), before.chains.join('\n')).toBe(true);
    await waitFor('kube-router\'s ipsets for the probe\'s policy', async () => ((await traces()).ipsets.length > 0 ? true : undefined), 60_000);
    expect(before.bridge).toBe(true);
    expect(before.netns.length).toBeGreaterThan(0);
    expect(before.hostsBlock).toBe(true);

    const down = await testCluster('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await traces()).toEqual({ processes: [], mounts: [], cgroups: [], chains: [], ipsets: [], bridge: false, netns: [], hostsBlock: false });
    expect(existsSync(STATE)).toBe(false);
    expect((await testCluster('status')).exitCode).toBe(1);

    const up = await testCluster('up');
    expect(up.exitCode, up.all).toBe(0);
    const ready = await kubectl(['get', 'node', REAL_NODE_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    expect(ready).toBe('True');
    await runPauseOnRealNode();
    await kubectl(['delete', 'namespace', 'teardown-probe', '--wait=false']);
  }, 600_000);
});

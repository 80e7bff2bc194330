// One user's instance as a real container: the chart installed by helm (with the post-renderer) with
// the image built from Dockerfile.gke, on the test cluster's real node under Pod Security
// "restricted". What runs inside it, that its data outlives the pod, and `helm openclaw` in direct
// mode through a real port-forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl } from '../support/kube.js';
import {
  REAL_NODE_NAME, REAL_NODE_VALUES, execInPod, gatewayToken, instanceImageValues, restrictedNamespace, waitForReadyPod, type PodState,
} from '../support/real-node.js';

const USER = 'alice';

interface ProcessInfo {
  readonly pid: number;
  readonly comm: string;
  readonly fields: Readonly<Record<string, string>>;
}

// Every process of the container: its name, command line and the credential lines of /proc/<pid>/status.
const PROCESS_SCRIPT = `for d in /proc/[0-9]*; do
  [ -r "$d/status" ] || continue
  printf '== %s %s\\n' "\${d#/proc/}" "$(cat "$d/comm" 2>/dev/null)"
  printf 'Cmdline: %s\\n' "$(tr '\\0' ' ' <"$d/cmdline" 2>/dev/null)"
  grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' "$d/status" 2>/dev/null
done`;

function parseProcesses(output: string): ProcessInfo[] {
  return output.split(/^== /m).filter((block) => block.trim() !== '').map((block) => {
    const [head = '', ...lines] = block.trim().split('\n');
    const [pid = '', ...comm] = head.split(' ');
    const fields = Object.fromEntries(lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim().split(/\s+/).join(' ')];
    }));
    return { pid: Number(pid), comm: comm.join(' '), fields };
  });
}

describe('the instance on the real node', () => {
  let namespace: string;
  let plugins: PluginHome;
  let pod: PodState;

  const helm = (args: readonly string[]) => runHelm(args, { env: { ...plugins.env, KUBECONFIG: process.env.KUBECONFIG } });
  const gatewayUrl = () => `ws://${USER}-openclaw.${namespace}.svc.cluster.local:18789`;

  async function withGateway<T>(use: (client: GatewayClient) => Promise<T>): Promise<T> {
    const client = new GatewayClient({ url: gatewayUrl(), token: await gatewayToken(namespace, USER), reconnect: false });
    try {
      return await use(client);
    } finally {
      await client.close();
    }
  }

  beforeAll(async () => {
    [namespace, plugins] = await Promise.all([restrictedNamespace('real-pod'), installPlugins([PLUGIN_DIRS.postrender, PLUGIN_DIRS.openclaw])]);
    const install = await helm([
      'upgrade', '--install', `${USER}-openclaw`, 'chart', '--namespace', namespace,
      '-f', 'values/users/user-example.yaml', '-f', REAL_NODE_VALUES, ...instanceImageValues(),
      '--post-renderer', 'openclaw-postrender',
    ]);
    expect(install.exitCode, install.stderr).toBe(0);
    pod = await waitForReadyPod(namespace, USER);
  }, 600_000);

  afterAll(async () => {
    if (namespace) {
      await helm(['uninstall', `${USER}-openclaw`, '--namespace', namespace, '--wait=watcher', '--timeout', '2m']).catch(() => undefined);
      await kubectl(['delete', 'pvc', '--all', '-n', namespace, '--wait=false']).catch(() => undefined);
      await deleteNamespace(namespace);
    }
    plugins?.remove();
  });

  it('is Running and Ready on the real node once its startup probe on /startupz passed', async () => {
    expect(pod.nodeName).toBe(REAL_NODE_NAME);
    expect(pod.started).toBe(true);
    expect(pod.restarts).toBe(0);
    const probe = await kubectl(['get', 'pod', pod.name, '-n', namespace, '-o', 'jsonpath={.spec.containers[0].startupProbe.httpGet.path}']);
    expect(probe).toBe('/startupz');
    // The same endpoint the kubelet asked, answered by the gateway through the pod's forwarder.
    const answer = await execInPod(namespace, pod.name, `node -e "fetch('http://127.0.0.1:18789/startupz').then((r) => console.log(r.status))"`);
    expect(answer.stdout.trim(), answer.stderr).toBe('200');
  });

  it('runs every process as uid 1000 with no capabilities and no_new_privs', async () => {
    const run = await execInPod(namespace, pod.name, PROCESS_SCRIPT);
    expect(run.exitCode, run.stderr).toBe(0);
    const processes = parseProcesses(run.stdout);
    const names = processes.map((p) => p.comm);
    // comm is cut at 15 characters: openclaw-gatewa(y).
    for (const name of ['tini', 'openclaw-gatewa', 'socat', 'Xvfb', 'x11vnc', 'websockify', 'chromium']) {
      expect(names, names.join(', ')).toContain(name);
    }
    expect(processes.some((p) => p.fields.Cmdline?.includes('/opt/openclaw-platform/scripts/instance-entrypoint.sh'))).toBe(true);
    for (const p of processes) {
      const context = `${p.pid} ${p.fields.Cmdline}`;
      expect(p.fields.Uid, context).toBe('1000 1000 1000 1000');
      expect(p.fields.Gid, context).toBe('1000 1000 1000 1000');
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(p.fields[set], `${context} ${set}`).toBe('0000000000000000');
      expect(p.fields.NoNewPrivs, context).toBe('1');
    }
  });

  it('cannot write to its root filesystem; /data and /tmp are writable', async () => {
    const root = await execInPod(namespace, pod.name, 'touch /written-by-test');
    expect(root.exitCode).not.toBe(0);
    expect(root.stderr).toMatch(/Read-only file system/);
    const writable = await execInPod(namespace, pod.name, 'for d in /data /tmp /dev/shm; do touch "$d/written-by-test" && rm "$d/written-by-test" || exit 1; done');
    expect(writable.exitCode, writable.stderr).toBe(0);
  });

  it('keeps what the gateway wrote across the pod: the new pod on the same claim reads it back', async () => {
    const content = `# Written before pod ${pod.name} was deleted\n${new Date().toISOString()}\n`;
    const written = await withGateway((client) => client.request<{ ok: boolean; file: { path: string } }>('agents.files.set', { agentId: 'main', name: 'USER.md', content }));
    expect(written.ok).toBe(true);
    expect(written.file.path).toMatch(/^\/data\//);

    await kubectl(['delete', 'pod', pod.name, '-n', namespace, '--wait=false']);
    const replacement = await waitForReadyPod(namespace, USER, pod.uid);
    expect(replacement.name).not.toBe(pod.name);
    pod = replacement;

    const read = await withGateway((client) => client.request<{ file: { content?: string } }>('agents.files.get', { agentId: 'main', name: 'USER.md' }));
    expect(read.file.content).toBe(content);
  }, 600_000);

  describe('helm openclaw in direct mode, through a real port-forward', () => {
    const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('error: '));

    it('rpc alice health', async () => {
      const run = await helm(['openclaw', 'rpc', USER, 'health', '-n', namespace]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    });

    it('pair alice: offline, the login fails in one line with exit 1', async () => {
      const run = await helm(['openclaw', 'pair', USER, '-n', namespace, '--timeout', '2m']);
      expect(run.exitCode).toBe(1);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/^error: WhatsApp login failed: /)]);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }, 180_000);
  });
});

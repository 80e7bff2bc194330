// The whole platform inside the test cluster, on its real node: the manager as a pod (manager/chart installed with helm,
// image built from manager/Dockerfile) reaching each user's gateway at
// <user>-openclaw.openclaw.svc.cluster.local through CoreDNS, users' instances as real containers
// under Pod Security "restricted", and kube-router enforcing the chart's and the manager's
// NetworkPolicies. This machine is the app backend: it calls the manager through its Service.
// Checked: the GUIDE's flow (progress stream, RPC, the VNC WebSocket, WhatsApp pairing, stop, start,
// delete with and without the data), what runs inside an instance's pod, its data across pods,
// `helm openclaw` in direct mode through a real port-forward, every NetworkPolicy rule as a probe
// from a real pod (each denial also shown to succeed with the policy removed), and the manager's
// RBAC from inside its pod.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { ensureNamespace, leftovers } from '../support/helm-manager.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { createNamespace, deleteNamespace, getObject, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { waitRunning } from '../support/manager-process.js';
import {
  deployInClusterManager, MANAGER_NAMESPACE, rbacCallerInPod, type InClusterManager,
} from '../support/in-cluster-manager.js';
import { describeManagerRbac } from '../support/manager-rbac-suite.js';
import {
  isBlocked, probeDns, probeTcp, startProbePod, withoutNetworkPolicies, type ProbeResult, type ProbeSource,
} from '../support/network-probe.js';
import { REAL_NODE_NAME, execInPod, userPods, waitForReadyPod, type PodState } from '../support/real-node.js';
import { RfbClient } from '../support/rfb-client.js';
import { openSse } from '../support/sse-client.js';
import { openWebSocket } from '../support/ws-client.js';

const namespace = MANAGER_NAMESPACE;
const API_KEY = randomBytes(32).toString('base64url');
const USER = 'alice';
const OTHER = 'bob';
const ANTHROPIC_KEY = `sk-ant-in-cluster-${randomBytes(12).toString('hex')}`;
const service = (userId: string) => `${userId}-openclaw.${namespace}.svc.cluster.local`;

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

describe('the platform in the cluster: the manager as a pod, instances on the real node', () => {
  let plugins: PluginHome;
  let manager: InClusterManager;
  let pod: PodState;

  const helm = (args: readonly string[]) => runHelm(args, { env: { ...plugins.env, KUBECONFIG: process.env.KUBECONFIG } });

  beforeAll(async () => {
    plugins = await installPlugins([PLUGIN_DIRS.postrender, PLUGIN_DIRS.openclaw]);
    manager = await deployInClusterManager({ apiKey: API_KEY, managerImage: inject('managerImage'), instanceImage: inject('instanceImage') });
  }, 300_000);

  afterAll(async () => {
    if (manager) {
      await manager.logs().catch(() => undefined);
      for (const userId of [USER, OTHER]) await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`).catch(() => undefined);
      await manager.remove();
    }
    await kubectl(['delete', 'pvc', `${USER}-openclaw-data`, `${OTHER}-openclaw-data`, '-n', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    plugins?.remove();
  }, 300_000);

  it('creates alice and streams real Scheduled, Pulled and Started events until the gateway is ready', async () => {
    const creating = manager.api('POST', '/api/instances', { userId: USER, secrets: { ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
    const progressUrl = `${manager.url}/api/instances/${USER}/progress`;
    let stream = await openSse<StartProgress>(progressUrl, API_KEY);
    // The stream answers 404 until helm has created the Deployment.
    const deadline = Date.now() + 120_000;
    while (stream.status === 404 && Date.now() < deadline) {
      stream.close();
      await new Promise((r) => setTimeout(r, 20));
      stream = await openSse<StartProgress>(progressUrl, API_KEY);
    }
    expect(stream.status).toBe(200);
    const created = await creating;
    expect([201, 202], created.text).toContain(created.status);

    const last = await stream.until((e) => e.ready || e.failed);
    expect(last, JSON.stringify(stream.events)).toEqual({ progress: 100, message: 'gateway ready', ready: true, failed: false });
    const messages = stream.events.map((e) => e.message);
    expect(messages).toContain(`scheduled on ${REAL_NODE_NAME}`);
    // The kubelet's own Event messages, as it wrote them.
    expect(messages, messages.join('\n')).toContainEqual(expect.stringMatching(/^Container image ".+" already present on machine/));
    expect(messages).toContain('Container created');
    expect(messages).toContain('container started; waiting for the gateway to be ready');
    const steps = stream.events.map((e) => e.progress);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));

    const instance = await waitRunning<{ phase: string; ready: boolean }>(manager.api, USER);
    expect(instance).toMatchObject({ phase: 'Running', ready: true });
    pod = await waitForReadyPod(namespace, USER);
    expect(pod.nodeName).toBe(REAL_NODE_NAME);
    const reasons = await kubectl(['get', 'events', '-n', namespace, '--field-selector', `involvedObject.name=${pod.name}`, '-o', 'jsonpath={.items[*].reason}']);
    expect(reasons.split(' ')).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
  }, 600_000);

  it('creates bob beside alice (he starts while alice is examined)', async () => {
    const created = await manager.api('POST', '/api/instances', { userId: OTHER, secrets: { ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
    expect([201, 202], created.text).toContain(created.status);
  });

  it('passed its startup probe on /startupz, which the gateway answers through the forwarder', async () => {
    expect(pod.started).toBe(true);
    expect(pod.restarts).toBe(0);
    const probe = await kubectl(['get', 'pod', pod.name, '-n', namespace, '-o', 'jsonpath={.spec.containers[0].startupProbe.httpGet.path}']);
    expect(probe).toBe('/startupz');
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

  it('proxies the status RPC to the gateway through its Service', async () => {
    const res = await manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'status' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ result: expect.any(Object) });
    expect(res.text).not.toContain(ANTHROPIC_KEY);
  });

  it('proxies the VNC WebSocket: the RFB greeting, then a real framebuffer update of the pod display', async () => {
    const ticket = await manager.api('POST', `/api/instances/${USER}/vnc/ticket`);
    expect(ticket.status, ticket.text).toBe(200);
    const ws = await openWebSocket(`${manager.url.replace(/^http/, 'ws')}${(ticket.body as { url: string }).url}`, ['binary']);
    try {
      const rfb = new RfbClient(ws);
      expect(await rfb.greeting()).toBe('RFB 003.008\n');
      const init = await rfb.handshake();
      expect(init).toMatchObject({ width: 1280, height: 800 });
      const rects = await rfb.framebufferUpdate(init);
      const covered = rects.reduce((sum, r) => sum + r.width * r.height, 0);
      expect(covered).toBe(1280 * 800);
      // Chromium draws on the display: not one flat colour.
      const pixels = Buffer.concat(rects.map((r) => r.pixels));
      const distinct = new Set<number>();
      for (let i = 0; i < pixels.length && distinct.size < 4; i += 4 * 97) distinct.add(pixels.readUInt32LE(i));
      expect(distinct.size).toBeGreaterThan(1);
    } finally {
      ws.close();
    }
  }, 120_000);

  it('answers whatsapp/qr offline with the clear 502', async () => {
    const res = await manager.api('POST', `/api/instances/${USER}/whatsapp/qr`, { force: true });
    expect(res.status, res.text).toBe(502);
    expect(res.body).toEqual({ code: 'WHATSAPP_LOGIN_FAILED', error: expect.stringMatching(/^WhatsApp login failed: /) });
  }, 180_000);

  it('reaches alice by her Service name, which the manager pod resolves through cluster DNS', async () => {
    const managerPod: ProbeSource = { namespace, pod: await manager.pod(), container: 'manager' };
    const clusterIp = (await kubectl(['get', 'service', `${USER}-openclaw`, '-n', namespace, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect(await probeDns(managerPod, service(USER))).toBe(clusterIp);
    const shown = await manager.api('GET', `/api/instances/${USER}`);
    expect(shown.body).toMatchObject({ phase: 'Running', ready: true });
  });

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

  describe('NetworkPolicy, enforced by kube-router, probed from real pods', () => {
    const METADATA_ADDRESS = '169.254.169.254';
    // The real node's bridge (scripts/lib/real-node.sh), which `down` removes with anything left on it.
    const BRIDGE = 'octest0';
    const LISTENER_PORT = 8080;
    let probeNamespace: string;
    let managerPod: ProbeSource;
    let alicePod: ProbeSource;
    let bobPod: ProbeSource;
    let stranger: ProbeSource;
    let outsider: ProbeSource;
    let client: ProbeSource;
    let listenerIp: string;
    let metadataServer: Server | undefined;

    interface Probe {
      readonly what: string;
      readonly from: () => ProbeSource;
      readonly to: () => readonly [string, number];
    }
    // A policy change reaches the node's iptables within a sync; each single probe is bounded by PROBE_TIMEOUT_MS.
    const eventually = (probe: Probe, expected: 'connected' | 'blocked') =>
      expect.poll(async () => {
        const result: ProbeResult = await probeTcp(probe.from(), ...probe.to());
        return expected === 'blocked' ? (isBlocked(result) ? 'blocked' : result) : result;
      }, { timeout: 30_000, interval: 1_000, message: `${probe.what}: ${probe.to().join(':')}` }).toBe(expected);

    beforeAll(async () => {
      const image = inject('instanceImage');
      // The namespace of an app backend allowed to call the manager (manager/chart, networkPolicy.clients).
      probeNamespace = await createNamespace('netpol');
      await kubectl(['label', 'namespace', probeNamespace, 'openclaw.ai/manager-client=true']);
      await ensureNamespace(probeNamespace);
      const started = await Promise.all([
        startProbePod({ namespace, name: 'netpol-stranger', image }),
        startProbePod({ namespace: probeNamespace, name: 'outsider', image }),
        startProbePod({ namespace: probeNamespace, name: 'manager-client', labels: { 'openclaw.ai/manager-client': 'true' }, image }),
        startProbePod({ namespace: probeNamespace, name: 'listener', image, listenPort: LISTENER_PORT }),
      ]);
      [stranger, outsider, client] = started.slice(0, 3).map((p) => p.source) as [ProbeSource, ProbeSource, ProbeSource];
      listenerIp = started[3]?.ip ?? '';
      // A pod address: inside 10.0.0.0/8, one of the ranges the chart denies.
      expect(listenerIp).toMatch(/^10\./);

      // A stand-in for the metadata server on this machine, which pods reach through their gateway.
      await execa('ip', ['addr', 'replace', `${METADATA_ADDRESS}/32`, 'dev', BRIDGE]);
      const server = createServer((socket) => {
        // A probe closes its side at once; the reset that can follow is expected.
        socket.on('error', () => undefined);
        socket.end('metadata stand-in\n');
      });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(80, METADATA_ADDRESS, resolve));
      metadataServer = server;

      await waitRunning(manager.api, OTHER, 420_000);
      managerPod = { namespace, pod: await manager.pod(), container: 'manager' };
      alicePod = { namespace, pod: (await waitForReadyPod(namespace, USER)).name, container: 'openclaw' };
      bobPod = { namespace, pod: (await waitForReadyPod(namespace, OTHER)).name, container: 'openclaw' };
    }, 600_000);

    afterAll(async () => {
      await new Promise((resolve) => (metadataServer ? metadataServer.close(resolve) : resolve(undefined)));
      await execa('ip', ['addr', 'delete', `${METADATA_ADDRESS}/32`, 'dev', BRIDGE], { reject: false });
      await kubectl(['delete', 'pod', 'netpol-stranger', '-n', namespace, '--ignore-not-found', '--wait=false']);
      if (probeNamespace) await deleteNamespace(probeNamespace);
    });

    it('admits the manager pod to alice\'s gateway and noVNC ports', async () => {
      expect(await probeTcp(managerPod, service(USER), 18789)).toBe('connected');
      expect(await probeTcp(managerPod, service(USER), 6080)).toBe('connected');
    });

    it('lets alice resolve names through cluster DNS', async () => {
      expect(await probeDns(alicePod, 'kubernetes.default.svc.cluster.local')).toBe('10.96.0.1');
      const managerIp = (await kubectl(['get', 'service', 'openclaw-manager', '-n', namespace, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
      expect(await probeDns(alicePod, `openclaw-manager.${namespace}.svc.cluster.local`)).toBe(managerIp);
    });

    const aliceDenials: Probe[] = [
      { what: 'a pod of her namespace without the manager\'s labels → her gateway', from: () => stranger, to: () => [service(USER), 18789] },
      { what: 'a pod of her namespace without the manager\'s labels → her noVNC', from: () => stranger, to: () => [service(USER), 6080] },
      { what: 'bob\'s instance → her gateway', from: () => bobPod, to: () => [service(USER), 18789] },
      { what: 'a pod in another namespace → her gateway', from: () => outsider, to: () => [service(USER), 18789] },
      { what: 'alice → the metadata server', from: () => alicePod, to: () => [METADATA_ADDRESS, 80] },
      { what: 'alice → a listener in 10.0.0.0/8', from: () => alicePod, to: () => [listenerIp, LISTENER_PORT] },
    ];

    it.each(aliceDenials)('blocks $what', async (probe) => {
      await eventually(probe, 'blocked');
    });

    // bob → alice is refused twice over: by alice's ingress rule and by bob's egress rule (private
    // ranges), so both policies go.
    it('lets every one of those connections through once the instances\' NetworkPolicies are removed, and blocks them again when they are back', async () => {
      await withoutNetworkPolicies(namespace, [`${USER}-openclaw`, `${OTHER}-openclaw`], async () => {
        for (const probe of aliceDenials) await eventually(probe, 'connected');
      });
      for (const probe of aliceDenials) await eventually(probe, 'blocked');
    }, 300_000);

    const managerPort = () => [`openclaw-manager.${namespace}.svc.cluster.local`, 3000] as const;

    it('admits a labelled pod of a labelled namespace to the manager\'s API', async () => {
      expect(await probeTcp(client, ...managerPort())).toBe('connected');
      const health = await kubectlRun(['exec', '-n', client.namespace, client.pod, '-c', client.container, '--', 'node', '-e',
        `fetch('http://${managerPort().join(':')}/health').then((r) => r.text()).then(console.log)`]);
      expect(health.stdout.trim(), health.stderr).toBe('{"ok":true}');
    });

    const managerDenials: Probe[] = [
      { what: 'a pod of a labelled namespace without the label → the manager', from: () => outsider, to: managerPort },
      { what: 'a pod of the manager\'s own namespace without the label → the manager', from: () => stranger, to: managerPort },
      { what: 'the manager → a listener outside its egress rules', from: () => managerPod, to: () => [listenerIp, LISTENER_PORT] },
    ];

    it.each(managerDenials)('blocks $what', async (probe) => {
      await eventually(probe, 'blocked');
    });

    it('lets those through once the manager\'s NetworkPolicy is removed', async () => {
      await withoutNetworkPolicies(namespace, ['openclaw-manager'], async () => {
        for (const probe of managerDenials) await eventually(probe, 'connected');
      });
      for (const probe of managerDenials) await eventually(probe, 'blocked');
    }, 300_000);

    it('reached the listener itself every time: it never restarted, so each "blocked" was the policy', async () => {
      const restarts = await kubectl(['get', 'pod', 'listener', '-n', probeNamespace, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']);
      expect(restarts).toBe('0');
    });
  });

  describeManagerRbac('the openclaw-manager ServiceAccount, from inside the manager pod', () => rbacCallerInPod(manager));

  it('stops (no pod, data kept) and starts again to a ready gateway that reads back what the old pod wrote', async () => {
    const content = `# Written before ${USER} was stopped\n${new Date().toISOString()}\n`;
    const written = await manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'agents.files.set', params: { agentId: 'main', name: 'USER.md', content } });
    expect(written.status, written.text).toBe(200);
    expect(written.body).toMatchObject({ result: { ok: true, file: { path: expect.stringMatching(/^\/data\//) } } });

    const stopped = await manager.api('POST', `/api/instances/${USER}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    await waitFor(`${USER}'s pod gone`, async () => ((await userPods(namespace, USER)).length === 0 ? true : undefined), 120_000);
    expect((await manager.api('GET', `/api/instances/${USER}`)).body).toMatchObject({ phase: 'Stopped' });

    const started = await manager.api('POST', `/api/instances/${USER}/start`);
    expect([200, 202], started.text).toContain(started.status);
    await waitRunning(manager.api, USER, 420_000);
    const replacement = await waitForReadyPod(namespace, USER, pod.uid);
    expect(replacement.name).not.toBe(pod.name);
    // Right after the pod turns Ready the gateway has once refused the first WebSocket upgrade
    // (the manager answered 503 UNAVAILABLE); a client retries that, and so does this test.
    const read = () => manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'agents.files.get', params: { agentId: 'main', name: 'USER.md' } });
    await expect.poll(async () => (await read()).status, { timeout: 30_000, interval: 1_000 }).toBe(200);
    expect((await read()).body).toMatchObject({ result: { file: { content } } });
  }, 600_000);

  it('deletes bob with preservePvc=false: nothing of his is left, not even his data', async () => {
    const res = await manager.api('DELETE', `/api/instances/${OTHER}?preservePvc=false`);
    expect(res.status, res.text).toBe(200);
    const left = await waitFor(`${OTHER}'s objects gone`, async () => {
      const objects = await leftovers(OTHER, namespace);
      return objects.length === 0 ? objects : undefined;
    }, 180_000);
    expect(left).toEqual([]);
    expect(await getObject('pvc', `${OTHER}-openclaw-data`, namespace)).toBeUndefined();
  }, 300_000);

  it('deletes alice: nothing of the instance is left but its data claim', async () => {
    const res = await manager.api('DELETE', `/api/instances/${USER}`);
    expect(res.status, res.text).toBe(200);
    // The pod takes its grace period to stop; then only the kept claim is left.
    const left = await waitFor(`${USER}'s objects gone but the claim`, async () => {
      const objects = await leftovers(USER, namespace);
      return objects.length === 1 ? objects : undefined;
    }, 120_000);
    expect(left).toEqual([`persistentvolumeclaim/${USER}-openclaw-data`]);
    expect((await manager.api('GET', `/api/instances/${USER}`)).status).toBe(404);
  }, 300_000);
});

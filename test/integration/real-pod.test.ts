// One user's instance as a real container on the test cluster's real node, under Pod Security
// "restricted", driven by the manager as it runs in production (`node manager/dist/main.js`, helm
// runtime, on this machine with the test kubeconfig): its `helm upgrade --install` of the chart (with
// the post-renderer) runs the image built from Dockerfile.gke. Checked on that one pod: the progress
// stream, what runs inside it, RPC, the VNC WebSocket and WhatsApp pairing through its Service, its
// data across pods, `helm openclaw` in direct mode through a real port-forward, stop, start, delete.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { HELM_MANAGER_KEY, helmManagerEnv, leftovers } from '../support/helm-manager.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { startManagerProcess, waitRunning, type ManagerProcess } from '../support/manager-process.js';
import {
  REAL_NODE_NAME, REAL_NODE_VALUES, execInPod, restrictedNamespace, userPods, waitForReadyPod, type PodState,
} from '../support/real-node.js';
import { RfbClient } from '../support/rfb-client.js';
import { openSse } from '../support/sse-client.js';
import { openWebSocket } from '../support/ws-client.js';

const USER = 'alice';
const ANTHROPIC_KEY = `sk-ant-real-pod-${randomBytes(12).toString('hex')}`;

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

describe('one instance on the real node, driven by the manager', () => {
  let namespace: string;
  let plugins: PluginHome;
  let manager: ManagerProcess;
  let pod: PodState;

  const helm = (args: readonly string[]) => runHelm(args, { env: { ...plugins.env, KUBECONFIG: process.env.KUBECONFIG } });

  beforeAll(async () => {
    [namespace, plugins] = await Promise.all([restrictedNamespace('real-pod'), installPlugins([PLUGIN_DIRS.postrender, PLUGIN_DIRS.openclaw])]);
    const { repository, tag } = inject('instanceImage');
    manager = await startManagerProcess({
      env: helmManagerEnv(plugins, {
        namespace,
        env: {
          OPENCLAW_IMAGE_REPO: repository,
          OPENCLAW_IMAGE_TAG: tag,
          OPENCLAW_VALUES_FILES: REAL_NODE_VALUES,
          OPENCLAW_LOG_LEVEL: 'info',
        },
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await manager?.stop();
    if (namespace) {
      await kubectl(['delete', 'deploy,svc,secret,configmap,networkpolicy,pvc', '--all', '-n', namespace, '--wait=false']).catch(() => undefined);
      await deleteNamespace(namespace);
    }
    plugins?.remove();
  });

  it('creates alice and streams real Scheduled, Pulled and Started events until the gateway is ready', async () => {
    const creating = manager.api('POST', '/api/instances', { userId: USER, secrets: { ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
    const progressUrl = `${manager.url}/api/instances/${USER}/progress`;
    let stream = await openSse<StartProgress>(progressUrl, HELM_MANAGER_KEY);
    // The stream answers 404 until helm has created the Deployment.
    const deadline = Date.now() + 120_000;
    while (stream.status === 404 && Date.now() < deadline) {
      stream.close();
      await new Promise((r) => setTimeout(r, 20));
      stream = await openSse<StartProgress>(progressUrl, HELM_MANAGER_KEY);
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

  it('keeps what the gateway wrote across the pod: the new pod on the same claim reads it back', async () => {
    const content = `# Written before pod ${pod.name} was deleted\n${new Date().toISOString()}\n`;
    const written = await manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'agents.files.set', params: { agentId: 'main', name: 'USER.md', content } });
    expect(written.status, written.text).toBe(200);
    expect(written.body).toMatchObject({ result: { ok: true, file: { path: expect.stringMatching(/^\/data\//) } } });

    await kubectl(['delete', 'pod', pod.name, '-n', namespace, '--wait=false']);
    const replacement = await waitForReadyPod(namespace, USER, pod.uid);
    expect(replacement.name).not.toBe(pod.name);
    pod = replacement;

    const read = () => manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'agents.files.get', params: { agentId: 'main', name: 'USER.md' } });
    await expect.poll(async () => (await read()).status, { timeout: 30_000, interval: 1_000 }).toBe(200);
    expect((await read()).body).toMatchObject({ result: { file: { content } } });
  }, 600_000);

  it('stops (no pod, data kept) and starts again to a ready gateway', async () => {
    const stopped = await manager.api('POST', `/api/instances/${USER}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    await waitFor(`${USER}'s pod gone`, async () => ((await userPods(namespace, USER)).length === 0 ? true : undefined), 120_000);
    expect((await manager.api('GET', `/api/instances/${USER}`)).body).toMatchObject({ phase: 'Stopped' });

    const started = await manager.api('POST', `/api/instances/${USER}/start`);
    expect([200, 202], started.text).toContain(started.status);
    await waitRunning(manager.api, USER, 420_000);
    // Right after the pod turns Ready the gateway has once refused the first WebSocket upgrade
    // (the manager answered 503 UNAVAILABLE); a client retries that, and so does this test.
    await expect.poll(async () => (await manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'health' })).status, { timeout: 30_000, interval: 1_000 }).toBe(200);
  }, 600_000);

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

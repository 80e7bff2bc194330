// The manager as it runs in production (`node manager/dist/main.js`, helm runtime) on this machine
// with the test kubeconfig, driving one user's real pod on the real node: create with its progress
// stream, RPC, the VNC WebSocket and WhatsApp pairing through the instance's Service, then stop,
// start and delete.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { HELM_MANAGER_KEY, helmManagerEnv, helmPlugins, leftovers } from '../support/helm-manager.js';
import type { PluginHome } from '../support/helm.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import { startManagerProcess, waitRunning, type ManagerProcess } from '../support/manager-process.js';
import { REAL_NODE_NAME, REAL_NODE_VALUES, restrictedNamespace, userPods } from '../support/real-node.js';
import { RfbClient } from '../support/rfb-client.js';
import { openSse } from '../support/sse-client.js';
import { openWebSocket } from '../support/ws-client.js';

const USER = 'alice';
const ANTHROPIC_KEY = `sk-ant-real-pod-${randomBytes(12).toString('hex')}`;

describe('the manager on the host driving a real pod', () => {
  let namespace: string;
  let plugins: PluginHome;
  let manager: ManagerProcess;

  beforeAll(async () => {
    [namespace, plugins] = await Promise.all([restrictedNamespace('real-mgr'), helmPlugins()]);
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
    const [pod] = await userPods(namespace, USER);
    const reasons = await kubectl(['get', 'events', '-n', namespace, '--field-selector', `involvedObject.name=${pod?.name}`, '-o', 'jsonpath={.items[*].reason}']);
    expect(reasons.split(' ')).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
    const steps = stream.events.map((e) => e.progress);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));

    const pods = await userPods(namespace, USER);
    expect(pods.map((p) => [p.nodeName, p.ready])).toEqual([[REAL_NODE_NAME, true]]);
    const instance = await waitRunning<{ phase: string; ready: boolean }>(manager.api, USER);
    expect(instance).toMatchObject({ phase: 'Running', ready: true });
  }, 600_000);

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

  it('stops (no pod, data kept) and starts again to a ready gateway', async () => {
    const stopped = await manager.api('POST', `/api/instances/${USER}/stop`);
    expect(stopped.status, stopped.text).toBe(200);
    await waitFor(`${USER}'s pod gone`, async () => ((await userPods(namespace, USER)).length === 0 ? true : undefined), 120_000);
    expect((await manager.api('GET', `/api/instances/${USER}`)).body).toMatchObject({ phase: 'Stopped' });

    const started = await manager.api('POST', `/api/instances/${USER}/start`);
    expect([200, 202], started.text).toContain(started.status);
    await waitRunning(manager.api, USER, 420_000);
    const res = await manager.api('POST', `/api/instances/${USER}/rpc`, { method: 'health' });
    expect(res.status, res.text).toBe(200);
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

// Direct mode of `helm openclaw` against the real API server of the test cluster: finding the user's
// pod by label and the gateway token in its Secret, and a clear line for every way that fails.
// kwok pods have no kubelet behind them, so the port-forward itself can only fail here; that it
// fails in one clear line is what is checked. (Pairing over a real port-forward needs a real node.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceNotFoundInCluster } from '../../plugins/openclaw/src/errors.js';
import { findInstancePod, loadKubeConfig, readGatewayToken } from '../../plugins/openclaw/src/kube-target.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { createNamespace, deleteNamespace, kubectl, waitFor } from '../support/kube.js';

const TOKEN = 'gateway-token-for-the-direct-mode-test';

/** A user's gateway pod, or (component "test") the chart's `helm test` pod, which carries the user label too. */
function pod(user: string, options: { schedulable: boolean; component?: 'gateway' | 'test' }): string {
  const component = options.component ?? 'gateway';
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: component === 'gateway' ? `${user}-openclaw-0` : `${user}-openclaw-test`,
      labels: { 'openclaw.ai/user': user, 'app.kubernetes.io/name': component === 'gateway' ? 'openclaw' : 'openclaw-test', 'app.kubernetes.io/component': component },
    },
    spec: {
      ...(options.schedulable ? { nodeName: 'kwok-node-0' } : { nodeSelector: { 'openclaw.test/none': 'true' } }),
      containers: [{ name: 'gateway', image: 'example.invalid/openclaw:test' }],
    },
  });
}

function secret(user: string, data: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${user}-openclaw` }, stringData: data });
}

describe('helm openclaw direct mode on the test cluster', () => {
  let namespace: string;
  let plugins: PluginHome;

  beforeAll(async () => {
    [namespace, plugins] = await Promise.all([createNamespace('oc-direct'), installPlugins([PLUGIN_DIRS.openclaw])]);
    const objects = [
      pod('alice', { schedulable: true }),
      pod('bob', { schedulable: true, component: 'test' }),
      secret('alice', { OPENCLAW_GATEWAY_TOKEN: TOKEN, ANTHROPIC_API_KEY: 'sk-test' }),
      pod('carol', { schedulable: true }),
      secret('carol', { ANTHROPIC_API_KEY: 'sk-test' }),
      pod('dave', { schedulable: true }),
      pod('erin', { schedulable: false }),
      secret('erin', { OPENCLAW_GATEWAY_TOKEN: TOKEN }),
    ];
    for (const object of objects) await kubectl(['apply', '-n', namespace, '-f', '-'], { input: object });
    await waitFor("alice, carol and dave Ready on the kwok node, and bob's test pod", async () => {
      const out = await kubectl(['get', 'pods', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}']);
      return ['alice-openclaw-0', 'carol-openclaw-0', 'dave-openclaw-0', 'bob-openclaw-test'].every((p) => out.includes(`${p}=True`)) ? true : undefined;
    });
  });

  afterAll(async () => {
    if (namespace) await deleteNamespace(namespace);
    plugins?.remove();
  });

  const kubeConfig = () => loadKubeConfig({ kubeconfig: process.env.KUBECONFIG ?? '' });
  const helm = (args: string[]) => runHelm(['openclaw', ...args, '-n', namespace], { env: { ...plugins.env, KUBECONFIG: process.env.KUBECONFIG } });
  const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error: '));

  it("finds the user's ready pod by label and reads the gateway token from its Secret", async () => {
    const kc = kubeConfig();
    const target = await findInstancePod(kc, namespace, 'alice');
    expect(target).toMatchObject({ namespace, podName: 'alice-openclaw-0' });
    expect(await readGatewayToken(kc, namespace, 'alice')).toBe(TOKEN);
  });

  it.each([
    // bob has only a ready `helm test` pod, which is not the instance.
    { user: 'bob', step: 'pod', message: `No pod labelled openclaw.ai/user=bob in namespace NS: is the instance installed (and scaled up)?` },
    { user: 'erin', step: 'pod', message: 'No ready pod for user erin in namespace NS: erin-openclaw-0 is Pending' },
    { user: 'dave', step: 'token', message: 'No Secret dave-openclaw in namespace NS: is the instance installed?' },
    { user: 'carol', step: 'token', message: 'Secret carol-openclaw in namespace NS has no OPENCLAW_GATEWAY_TOKEN' },
  ])('$user: $message', async ({ user, step, message }) => {
    const kc = kubeConfig();
    const expected = message.replace('NS', namespace);
    const attempt = step === 'pod' ? findInstancePod(kc, namespace, user) : readGatewayToken(kc, namespace, user);
    await expect(attempt).rejects.toBeInstanceOf(InstanceNotFoundInCluster);
    await expect(attempt).rejects.toThrow(expected);

    // The same through helm, with helm's -n and KUBECONFIG: one line, exit 1, no stack.
    const run = await helm(['status', user]);
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run.stderr)).toEqual([`error: ${expected}`]);
    expect(run.stderr).not.toContain('    at ');
  });

  it('alice: the port-forward to a kwok pod fails (no kubelet), and says so in one line', async () => {
    const run = await helm(['rpc', 'alice', 'health']);
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^error: port-forward to pod alice-openclaw-0 port 18789 in namespace ${namespace}: `))]);
    expect(run.stderr).not.toContain(TOKEN);
  });

  it('vnc: the same for the noVNC port', async () => {
    const run = await helm(['vnc', 'alice']);
    expect(run.exitCode).not.toBe(0);
    expect(errorLines(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^error: port-forward to pod alice-openclaw-0 port 6080 in namespace ${namespace}: `))]);
  });

  it('a namespace the user cannot find anything in', async () => {
    const run = await runHelm(['openclaw', 'status', 'alice', '-n', 'does-not-exist'], { env: { ...plugins.env, KUBECONFIG: process.env.KUBECONFIG } });
    expect(errorLines(run.stderr)).toEqual(['error: No pod labelled openclaw.ai/user=alice in namespace does-not-exist: is the instance installed (and scaled up)?']);
  });
});

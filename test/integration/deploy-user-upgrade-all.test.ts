// scripts/deploy-user.sh upgrade-all on the real control plane: every *-openclaw release of the
// namespace to a new tag through helm (values kept), N at a time, stopping at the first failure.
import { randomBytes } from 'node:crypto';
import type { V1Deployment } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNamespace, helmPlugins } from '../support/helm-manager.js';
import { REPO_ROOT, runHelm, type PluginHome } from '../support/helm.js';
import { deleteNamespace, getObject } from '../support/kube.js';

const suffix = randomBytes(3).toString('hex');
const namespace = `upgrade-all-${suffix}`;
const [a, b, c] = ['a', 'b', 'c'].map((x) => `${x}${suffix}`) as [string, string, string];

describe('deploy-user.sh upgrade-all', () => {
  let plugins: PluginHome;
  const env = (): Record<string, string> => ({
    ...(plugins.env as Record<string, string>),
    NAMESPACE: namespace,
    HELM_BIN: process.env.HELM_BIN ?? '',
    KUBECTL: process.env.KUBECTL ?? '',
    KUBECONFIG: process.env.KUBECONFIG ?? '',
    TIMEOUT: '3m',
  });
  const script = (...args: string[]) => execa('bash', ['scripts/deploy-user.sh', ...args], { cwd: REPO_ROOT, env: env(), extendEnv: false, reject: false });
  const tag = async (userId: string): Promise<string | undefined> =>
    (await getObject<V1Deployment>('deployment', `${userId}-openclaw`, namespace))?.spec?.template.spec?.containers[0]?.image?.split(':').at(-1);
  const renderer = ['--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false'];

  beforeAll(async () => {
    plugins = await helmPlugins();
    await ensureNamespace(namespace);
    for (const userId of [a, b, c]) {
      const installed = await runHelm(['install', `${userId}-openclaw`, 'chart', '-n', namespace, '--set', `userId=${userId}`, '--set', 'image.tag=v1', ...renderer], { env: plugins.env });
      expect(installed.exitCode, installed.stderr).toBe(0);
    }
    // b can no longer be upgraded: its values hold a key the chart's schema refuses.
    const broken = await runHelm(['upgrade', `${b}-openclaw`, 'chart', '-n', namespace, '--reuse-values', '--skip-schema-validation', '--set', 'notAValue=1', ...renderer], { env: plugins.env });
    expect(broken.exitCode, broken.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await deleteNamespace(namespace);
    plugins?.remove();
  });

  it('refuses a bad tag or maxUnavailable before touching anything', async () => {
    for (const args of [['upgrade-all', '-x'], ['upgrade-all', 'v2', '0'], ['upgrade-all', 'v2', '51']]) {
      const run = await script(...args);
      expect(run.exitCode, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^error: (invalid image tag|maxUnavailable must be)/m);
    }
    expect(await tag(a)).toBe('v1');
  });

  it('upgrades in order one at a time, stops at the broken release and skips the rest', async () => {
    const run = await script('upgrade-all', 'v2', '1');
    expect(run.exitCode, run.stderr).toBe(1);
    const lines = run.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(/\s+/));
    expect(lines.map((l) => [l[0], l[1]])).toEqual([[a, 'upgraded'], [b, 'failed'], [c, 'skipped']]);
    expect(run.stdout).toContain('notAValue');
    expect(run.stdout).toContain(`not attempted: stopped after ${b} failed`);
    expect([await tag(a), await tag(b), await tag(c)]).toEqual(['v2', 'v1', 'v1']);
    // Values other than the tag are the release's own: the userId stays, nothing was reset.
    const values = await runHelm(['get', 'values', `${a}-openclaw`, '-n', namespace, '-o', 'json'], { env: plugins.env });
    expect(JSON.parse(values.stdout)).toMatchObject({ userId: a, image: { tag: 'v2' } });
  }, 300_000);

  it('upgrades every release two at a time once nothing is broken', async () => {
    expect((await runHelm(['uninstall', `${b}-openclaw`, '-n', namespace, '--wait'], { env: plugins.env })).exitCode).toBe(0);
    const run = await script('upgrade-all', 'v3', '2');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l !== '').map((l) => l.split(/\s+/).slice(0, 2))).toEqual([[a, 'upgraded'], [c, 'upgraded']]);
    expect([await tag(a), await tag(c)]).toEqual(['v3', 'v3']);
  }, 300_000);
});

// The manager's Role (manager/k8s/rbac.yaml) holds exactly what helm and the manager need: proven by
// running helm and kubectl with the openclaw-manager ServiceAccount's own token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { PLUGIN_DIRS, installPlugins, runHelm, type PluginHome } from '../support/helm.js';
import { getObject, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { applyManagerRbac, serviceAccountKubeconfig } from '../support/service-account.js';
import { valuesFile } from '../support/render-chart.js';

const namespace = 'openclaw';
const user = `rbac-${randomBytes(3).toString('hex')}`;
const release = `${user}-openclaw`;

let plugins: PluginHome;
let saEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  await applyManagerRbac();
  plugins = await installPlugins([PLUGIN_DIRS.postrender]);
  saEnv = { ...plugins.env, KUBECONFIG: await serviceAccountKubeconfig(namespace, 'openclaw-manager') };
});
afterAll(async () => {
  await kubectl(['delete', 'pvc', `${user}-openclaw-data`, '-n', namespace, '--ignore-not-found', '--wait=false']);
  plugins.remove();
});

const asManager = (args: readonly string[]) => kubectl(args, { env: saEnv });
// `auth can-i` answers yes/no on stdout and exits 1 for no.
const canI = async (...args: string[]) => (await kubectlRun(['auth', 'can-i', ...args], { env: saEnv })).stdout.trim();

describe('the openclaw-manager ServiceAccount', () => {
  const values = valuesFile({ userId: user, secrets: { ANTHROPIC_API_KEY: 'sk-rbac-test' } });
  const install = (verb: string, extra: readonly string[] = []) => runHelm([verb, release, 'chart', '-n', namespace, '-f', values,
    '--post-renderer', 'openclaw-postrender', '--wait', '--timeout', '4m', ...extra], { env: saEnv });

  it('installs, upgrades and uninstalls a user with helm', async () => {
    const installed = await install('install');
    expect(installed.exitCode, installed.stderr).toBe(0);
    const upgraded = await install('upgrade', ['--set', 'replicas=0']);
    expect(upgraded.exitCode, upgraded.stderr).toBe(0);
    const listed = await runHelm(['list', '-n', namespace, '--filter', release, '-q'], { env: saEnv });
    expect(listed.stdout.trim()).toBe(release);
    const removed = await runHelm(['uninstall', release, '-n', namespace, '--wait'], { env: saEnv });
    expect(removed.exitCode, removed.stderr).toBe(0);
  });

  it('purges the kept data volume', async () => {
    await asManager(['delete', 'pvc', `${user}-openclaw-data`, '-n', namespace, '--wait=true', '--timeout=60s']);
    expect(await waitFor('the PVC to go', async () => ((await getObject('pvc', `${user}-openclaw-data`, namespace)) ? undefined : true))).toBe(true);
  });

  it.each([
    ['list', 'deployments.apps'], ['watch', 'deployments.apps'], ['list', 'pods'], ['watch', 'pods'],
    ['list', 'persistentvolumeclaims'], ['watch', 'persistentvolumeclaims'], ['get', 'secrets'], ['list', 'events'],
    ['list', 'services'], ['list', 'networkpolicies.networking.k8s.io'], ['list', 'ingresses.networking.k8s.io'],
    ['list', 'managedcertificates.networking.gke.io'],
  ])('may %s %s in its namespace', async (verb, resource) => {
    expect(await canI(verb, resource, '-n', namespace)).toBe('yes');
  });

  it.each([
    // kubectl reads "pods/exec" as a pod named exec: name the subresource explicitly.
    ['create', 'pods', '--subresource=exec', '-n', namespace],
    ['create', 'pods', '--subresource=portforward', '-n', namespace],
    ['get', 'secrets', '-n', 'kube-system'],
    ['list', 'secrets', '-n', 'default'],
    ['create', 'namespaces'],
    ['create', 'clusterroles.rbac.authorization.k8s.io'],
    ['create', 'persistentvolumes'],
    ['patch', 'nodes'],
    ['create', 'roles.rbac.authorization.k8s.io', '-n', namespace],
    ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', namespace],
  ])('may not %s %s %s %s %s', async (...args) => {
    expect(await canI(...args)).toBe('no');
  });

  it('is really refused by the API server outside its grant', async () => {
    await expect(asManager(['get', 'secrets', '-n', 'kube-system'])).rejects.toThrow(/forbidden/i);
    await expect(asManager(['create', 'namespace', `forbidden-${user}`])).rejects.toThrow(/forbidden/i);
  });
});

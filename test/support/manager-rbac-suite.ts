// What the manager's Role (manager/k8s/rbac.yaml) allows and refuses, proven by running helm and
// kubectl as the openclaw-manager ServiceAccount: from this machine with its token, or from inside
// the manager's own pod with the token Kubernetes mounted there. Both run the same checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { getObject, kubectl, waitFor, type KubectlRun } from './kube.js';

const namespace = 'openclaw';

/** Runs helm and kubectl with the ServiceAccount's identity, wherever that lives. */
export interface RbacCaller {
  helm(args: readonly string[]): Promise<KubectlRun>;
  kubectl(args: readonly string[]): Promise<KubectlRun>;
  /** The chart directory as that helm sees it. */
  readonly chart: string;
  /** Writes a values file where that helm can read it; returns its path there. */
  writeValues(values: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export function describeManagerRbac(title: string, connect: () => Promise<RbacCaller>): void {
  describe(title, () => {
    const user = `rbac-${randomBytes(3).toString('hex')}`;
    const release = `${user}-openclaw`;
    let caller: RbacCaller;

    beforeAll(async () => {
      caller = await connect();
    });
    afterAll(async () => {
      await kubectl(['delete', 'pvc', `${user}-openclaw-data`, '-n', namespace, '--ignore-not-found', '--wait=false']);
      await caller?.close();
    });

    // `auth can-i` answers yes/no on stdout and exits 1 for no.
    const canI = async (...args: string[]) => (await caller.kubectl(['auth', 'can-i', ...args])).stdout.trim();

    it('installs, upgrades and uninstalls a user with helm', async () => {
      const values = await caller.writeValues({ userId: user, secrets: { ANTHROPIC_API_KEY: 'sk-rbac-test' } });
      const install = (verb: string, extra: readonly string[] = []) => caller.helm([verb, release, caller.chart, '-n', namespace, '-f', values,
        '--post-renderer', 'openclaw-postrender', '--wait', '--timeout', '4m', ...extra]);
      const installed = await install('install');
      expect(installed.exitCode, installed.stderr).toBe(0);
      const upgraded = await install('upgrade', ['--set', 'replicas=0']);
      expect(upgraded.exitCode, upgraded.stderr).toBe(0);
      const listed = await caller.helm(['list', '-n', namespace, '--filter', release, '-q']);
      expect(listed.stdout.trim()).toBe(release);
      const removed = await caller.helm(['uninstall', release, '-n', namespace, '--wait']);
      expect(removed.exitCode, removed.stderr).toBe(0);
    });

    it('purges the kept data volume', async () => {
      const deleted = await caller.kubectl(['delete', 'pvc', `${user}-openclaw-data`, '-n', namespace, '--wait=true', '--timeout=60s']);
      expect(deleted.exitCode, deleted.stderr).toBe(0);
      expect(await waitFor('the PVC to go', async () => ((await getObject('pvc', `${user}-openclaw-data`, namespace)) ? undefined : true))).toBe(true);
    });

    it.each([
      ['list', 'deployments.apps'], ['watch', 'deployments.apps'], ['list', 'pods'], ['watch', 'pods'],
      ['list', 'persistentvolumeclaims'], ['watch', 'persistentvolumeclaims'], ['get', 'secrets'], ['list', 'events'],
      ['list', 'services'], ['list', 'networkpolicies.networking.k8s.io'], ['list', 'ingresses.networking.k8s.io'],
      ['list', 'managedcertificates.networking.gke.io'], ['list', 'frontendconfigs.networking.gke.io'], ['list', 'backendconfigs.cloud.google.com'],
      ['list', 'httproutes.gateway.networking.k8s.io'], ['list', 'gcpbackendpolicies.networking.gke.io'], ['list', 'healthcheckpolicies.networking.gke.io'],
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
      // A Gateway is a load balancer of its own: the operator's, never one per user.
      ['create', 'gateways.gateway.networking.k8s.io', '-n', namespace],
    ])('may not %s %s %s %s %s', async (...args) => {
      expect(await canI(...args)).toBe('no');
    });

    it('is really refused by the API server outside its grant', async () => {
      const secrets = await caller.kubectl(['get', 'secrets', '-n', 'kube-system']);
      expect(secrets.exitCode).not.toBe(0);
      expect(secrets.stderr).toMatch(/forbidden/i);
      const created = await caller.kubectl(['create', 'namespace', `forbidden-${user}`]);
      expect(created.exitCode).not.toBe(0);
      expect(created.stderr).toMatch(/forbidden/i);
    });
  });
}

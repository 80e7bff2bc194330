// What the manager's Role (manager/chart, templates/role.yaml) allows and refuses, proven by running helm and
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
    const backupId = randomBytes(6).toString('hex');
    const snapshot = `${user}-openclaw-backup-${backupId}`;
    const records = `${user}-openclaw-backups`;
    const backupLabels = { 'openclaw.ai/user': user, 'app.kubernetes.io/component': 'backups', 'app.kubernetes.io/managed-by': 'openclaw-manager' };
    let caller: RbacCaller;

    beforeAll(async () => {
      caller = await connect();
    });
    afterAll(async () => {
      await kubectl(['delete', 'volumesnapshot', snapshot, '-n', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
      await kubectl(['delete', 'configmap', records, '-n', namespace, '--ignore-not-found', '--wait=false']);
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

    // What runtime/helm/snapshot-backups.ts does, verb for verb (the snapshot itself needs a CSI volume:
    // this one is only made, read, listed and deleted).
    it('snapshots the kept data volume and keeps backup records, as the backups store does', async () => {
      const manifest = await caller.writeValues({
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshot',
        metadata: { name: snapshot, namespace, labels: { ...backupLabels, 'openclaw.ai/backup': backupId } },
        spec: { source: { persistentVolumeClaimName: `${user}-openclaw-data` } },
      });
      const ok = async (args: readonly string[]) => {
        const run = await caller.kubectl(args);
        expect(run.exitCode, `kubectl ${args.join(' ')}: ${run.stderr}`).toBe(0);
        return run.stdout.trim();
      };
      await ok(['create', '-f', manifest, '-n', namespace]);
      expect(await ok(['get', 'volumesnapshot', snapshot, '-n', namespace, '-o', 'name'])).toBe(`volumesnapshot.snapshot.storage.k8s.io/${snapshot}`);
      expect(await ok(['get', 'volumesnapshots', '-n', namespace, '-l', `openclaw.ai/user=${user},openclaw.ai/backup`, '-o', 'name'])).toBe(`volumesnapshot.snapshot.storage.k8s.io/${snapshot}`);
      await ok(['delete', 'volumesnapshot', snapshot, '-n', namespace, '--wait=false']);
      expect(await waitFor('the VolumeSnapshot to go', async () => ((await getObject('volumesnapshot', snapshot, namespace)) ? undefined : true), 60_000)).toBe(true);

      const recordsManifest = await caller.writeValues({
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: records, namespace, labels: backupLabels }, data: { [`${backupId}.json`]: '{}' },
      });
      await ok(['create', '-f', recordsManifest, '-n', namespace]);
      const merge = (data: Record<string, string | null>) => ok(['patch', 'configmap', records, '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ data })]);
      await merge({ 'aaaaaaaaaaaa.json': '{}' });
      await merge({ [`${backupId}.json`]: null });
      const listed = JSON.parse(await ok(['get', 'configmaps', '-n', namespace, '-l', `openclaw.ai/user=${user},app.kubernetes.io/component=backups`, '-o', 'json'])) as { items: { data?: object }[] };
      expect(listed.items.map((item) => item.data)).toEqual([{ 'aaaaaaaaaaaa.json': '{}' }]);
      await ok(['delete', 'configmap', records, '-n', namespace]);

      const contents = await caller.kubectl(['get', 'volumesnapshotcontents']);
      expect(contents.exitCode).not.toBe(0);
      expect(contents.stderr).toMatch(/forbidden/i);
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
      // Backups: copies and their records.
      ['create', 'volumesnapshots.snapshot.storage.k8s.io'], ['get', 'volumesnapshots.snapshot.storage.k8s.io'],
      ['list', 'volumesnapshots.snapshot.storage.k8s.io'], ['delete', 'volumesnapshots.snapshot.storage.k8s.io'],
      ['create', 'configmaps'], ['patch', 'configmaps'], ['list', 'configmaps'],
      // Exports and imports: a transfer pod and its claim.
      ['create', 'pods'], ['delete', 'pods'], ['create', 'persistentvolumeclaims'], ['delete', 'persistentvolumeclaims'],
    ])('may %s %s in its namespace', async (verb, resource) => {
      expect(await canI(verb, resource, '-n', namespace)).toBe('yes');
    });

    it.each([
      // kubectl reads "pods/exec" as a pod named exec: name the subresource explicitly.
      ['create', 'pods', '--subresource=exec', '-n', namespace],
      ['create', 'pods', '--subresource=portforward', '-n', namespace],
      ['patch', 'pods', '-n', namespace],
      ['create', 'pods', '-n', 'default'],
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
      // A backup's copy is never changed; what lies behind it is the snapshot controller's.
      ['patch', 'volumesnapshots.snapshot.storage.k8s.io', '-n', namespace],
      ['get', 'volumesnapshotcontents.snapshot.storage.k8s.io'],
      ['create', 'volumesnapshotcontents.snapshot.storage.k8s.io'],
      ['create', 'volumesnapshotclasses.snapshot.storage.k8s.io'],
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

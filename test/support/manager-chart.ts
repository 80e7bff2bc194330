// The manager installed the way operators install it: `helm upgrade --install` of manager/chart into
// the instances' namespace. Suites that only need its ServiceAccount and Role install it with no
// replica; the in-cluster suite runs the manager pod itself from the same release.
import { runHelm } from './helm.js';
import { valuesFile } from './render-chart.js';

export const MANAGER_RELEASE = 'openclaw-manager';
export const MANAGER_CHART = 'manager/chart';

/** Installs or upgrades the manager's release in `namespace` (made when missing) with `values`; throws with helm's stderr. */
export async function installManagerChart(namespace: string, values: unknown): Promise<void> {
  const result = await runHelm([
    'upgrade', '--install', MANAGER_RELEASE, MANAGER_CHART, '--namespace', namespace, '--create-namespace',
    '--reset-values', '-f', valuesFile(values), '--wait=hookOnly', '--timeout', '2m',
  ]);
  if (result.exitCode !== 0) throw new Error(`helm upgrade --install of ${MANAGER_CHART} failed: ${result.stderr}`);
}

/** Uninstalls the manager's release from `namespace` and waits until its objects are gone; nothing to do when there is none. */
export async function uninstallManagerChart(namespace: string): Promise<void> {
  const result = await runHelm(['uninstall', MANAGER_RELEASE, '--namespace', namespace, '--ignore-not-found', '--wait', '--timeout', '2m']);
  if (result.exitCode !== 0) throw new Error(`helm uninstall ${MANAGER_RELEASE} failed: ${result.stderr}`);
}

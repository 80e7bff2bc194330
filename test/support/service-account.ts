// A kubeconfig that authenticates as a ServiceAccount (TokenRequest), to prove what its Role allows.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubectl } from './kube.js';
import { installManagerChart } from './manager-chart.js';

interface AdminKubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
}

/**
 * Installs the manager's chart in namespace openclaw with no replica (idempotent), so the
 * openclaw-manager ServiceAccount and its Role exist as operators get them.
 */
export async function applyManagerRbac(): Promise<void> {
  await installManagerChart('openclaw', { replicas: 0 });
}

/**
 * Writes a kubeconfig for `serviceAccount` in `namespace` with a fresh token, pointing at the same API
 * server as the admin kubeconfig; returns its path.
 */
export async function serviceAccountKubeconfig(namespace: string, serviceAccount: string): Promise<string> {
  const adminPath = process.env.KUBECONFIG;
  if (!adminPath) throw new Error('KUBECONFIG is not set: integration tests get it from the global setup');
  const admin = parse(readFileSync(adminPath, 'utf8')) as AdminKubeconfig;
  const cluster = admin.clusters[0]?.cluster;
  if (!cluster) throw new Error(`${adminPath} has no cluster`);
  const token = (await kubectl(['create', 'token', serviceAccount, '-n', namespace, '--duration=1h'])).trim();
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster }],
    users: [{ name: serviceAccount, user: { token } }],
    contexts: [{ name: serviceAccount, context: { cluster: 'test', user: serviceAccount, namespace } }],
    'current-context': serviceAccount,
  };
  const path = join(mkdtempSync(join(tmpdir(), 'openclaw-sa-')), 'kubeconfig');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}

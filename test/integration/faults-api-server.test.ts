// The API server dies in the middle of a create, on a control plane of this suite's own (other
// suites keep the shared one). The caller gets a clear 503 at once; once the API server is back, the
// manager uninstalls the half-made release, so nothing of it remains, and creates work again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { runHelm, type PluginHome } from '../support/helm.js';
import { helmPlugins, leftovers, startHelmManager, type HelmManager } from '../support/helm-manager.js';
import { waitFor } from '../support/kube.js';
import { watchReleaseStatus } from '../support/release-watch.js';
import { startThrowawayCluster, type ThrowawayCluster } from '../support/throwaway-cluster.js';

const NAMESPACE = 'openclaw';
const userId = `cut-${randomBytes(3).toString('hex')}`;

describe('the API server stops in the middle of a create', () => {
  let cluster: ThrowawayCluster;
  let plugins: PluginHome;
  let manager: HelmManager;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    plugins = await helmPlugins();
    manager = await startHelmManager(plugins, { namespace: NAMESPACE, kubeconfig: cluster.kubeconfig });
  }, 300_000);

  afterAll(async () => {
    await manager?.close();
    await cluster?.down();
    plugins?.remove();
  });

  const gone = async (): Promise<void> => {
    await waitFor(`nothing of ${userId} left`, async () => ((await leftovers(userId, NAMESPACE, cluster.kubeconfig)).length === 0 ? true : undefined), 180_000);
  };

  it('answers 503 with Retry-After; once it is back, no half-made release or object remains and creates work again', async () => {
    let cut = false;
    // The moment helm has recorded the release as pending-install it starts making objects: cut there.
    const watch = await watchReleaseStatus(cluster.kubeconfig, NAMESPACE, `${userId}-openclaw`, 'pending-install', () => {
      cluster.killApiServer();
      cut = true;
    });
    const started = Date.now();
    const res = await manager.api('POST', '/api/instances', { userId, secrets: { OPENAI_API_KEY: 'sk-proj-fault-api-server' } });
    watch.stop();
    expect(cut).toBe(true);
    expect(res.status, res.text).toBe(503);
    expect(res.body).toEqual({ error: 'The Kubernetes cluster is unreachable; retry later', code: 'RUNTIME_UNAVAILABLE' });
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(60_000);

    await cluster.startApiServer();
    await gone();
    const releases = await runHelm(['list', '--namespace', NAMESPACE, '--short', '--deployed', '--failed', '--pending', '--uninstalling'], { env: { ...plugins.env, KUBECONFIG: cluster.kubeconfig } });
    expect(releases.exitCode, releases.stderr).toBe(0);
    expect(releases.stdout.trim()).toBe('');
    await waitFor('the manager to agree', async () => ((await manager.api('GET', `/api/instances/${userId}`)).status === 404 ? true : undefined), 60_000);

    const again = await manager.api('POST', '/api/instances', { userId });
    expect([201, 202], again.text).toContain(again.status);
    await waitFor(`${userId} Running`, async () => {
      const got = await manager.api('GET', `/api/instances/${userId}`);
      return (got.body as Instance).phase === 'Running' ? true : undefined;
    }, 180_000);
    expect((await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`)).status).toBe(200);
    await gone();
  }, 600_000);
});

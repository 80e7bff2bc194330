// Faults around helm on the real control plane: helm killed in the middle of an install, and the
// manager killed in the middle of a create (alone, or with its helm, as when its pod dies). After
// each, the cluster holds either a whole instance or nothing of it, and the API agrees.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import type { PluginHome } from '../support/helm.js';
import {
  ensureNamespace, helmManagerEnv, helmPlugins, leftovers, startHelmManager, type HelmManager,
} from '../support/helm-manager.js';
import { deleteNamespace, kubectl, waitFor } from '../support/kube.js';
import type { JsonResponse } from '../support/manager-http.js';
import { startManagerProcess, type ManagerProcess } from '../support/manager-process.js';
import { findProcesses, kill } from '../support/process-table.js';
import { watchReleaseStatus } from '../support/release-watch.js';

const suffix = randomBytes(3).toString('hex');
const namespace = `faults-helm-${suffix}`;
const kubeconfig = (): string => process.env.KUBECONFIG ?? '';

/** Creates `userId`, and when helm has written the pending-install record, runs `strike`. */
async function createAndStrike(
  create: () => Promise<JsonResponse>,
  userId: string,
  strike: () => void,
): Promise<{ res: JsonResponse | Error; struck: boolean }> {
  let struck = false;
  const watch = await watchReleaseStatus(kubeconfig(), namespace, `${userId}-openclaw`, 'pending-install', () => {
    strike();
    struck = true;
  });
  try {
    const res = await create().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    await Promise.race([watch.reached, new Promise((r) => setTimeout(r, 2000))]);
    return { res, struck };
  } finally {
    watch.stop();
  }
}

async function untilGone(userId: string): Promise<void> {
  await waitFor(`nothing of ${userId} left`, async () => ((await leftovers(userId, namespace)).length === 0 ? true : undefined), 180_000);
}

async function untilPhase(api: (m: string, p: string) => Promise<JsonResponse>, userId: string, phase: Instance['phase']): Promise<void> {
  await waitFor(`${userId} ${phase}`, async () => {
    const res = await api('GET', `/api/instances/${userId}`);
    return res.status === 200 && (res.body as Instance).phase === phase ? true : undefined;
  }, 180_000);
}

describe('faults around helm', () => {
  let plugins: PluginHome;

  beforeAll(async () => {
    plugins = await helmPlugins();
    await ensureNamespace(namespace);
  });

  afterAll(async () => {
    await deleteNamespace(namespace).catch(() => undefined);
    plugins?.remove();
  });

  describe('helm killed mid-install', () => {
    let manager: HelmManager;
    beforeAll(async () => {
      manager = await startHelmManager(plugins, { namespace });
    });
    afterAll(async () => {
      await manager?.close();
    });

    it('answers 5xx JSON, removes the unfinished release and what it made, and the next create succeeds', async () => {
      const userId = `killed-${suffix}`;
      const release = `${userId}-openclaw`;
      const { res, struck } = await createAndStrike(
        () => manager.api('POST', '/api/instances', { userId, secrets: { ANTHROPIC_API_KEY: 'sk-ant-fault-helm-killed' } }),
        userId,
        () => {
          // The manager's helm is a direct child of this process.
          for (const helm of findProcesses(['upgrade', release]).filter((p) => p.ppid === process.pid)) kill(helm.pid, 'SIGKILL');
        },
      );
      expect(struck).toBe(true);
      if (res instanceof Error) throw res;
      expect(res.status, res.text).toBeGreaterThanOrEqual(500);
      expect(res.body).toEqual(expect.objectContaining({ error: expect.any(String) }));

      await untilGone(userId);
      expect((await manager.api('GET', `/api/instances/${userId}`)).status).toBe(404);

      const again = await manager.api('POST', '/api/instances', { userId });
      expect([201, 202], again.text).toContain(again.status);
      await untilPhase(manager.api, userId, 'Running');
      expect((await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`)).status).toBe(200);
      await untilGone(userId);
    }, 400_000);

    it('helm killed mid-stop leaves the release pending-upgrade: the next stop rolls that back and stops it', async () => {
      const userId = `stuck-${suffix}`;
      const release = `${userId}-openclaw`;
      const created = await manager.api('POST', '/api/instances', { userId });
      expect([201, 202], created.text).toContain(created.status);
      await untilPhase(manager.api, userId, 'Running');
      let struck = false;
      const watch = await watchReleaseStatus(kubeconfig(), namespace, release, 'pending-upgrade', () => {
        for (const helm of findProcesses(['upgrade', release]).filter((p) => p.ppid === process.pid)) kill(helm.pid, 'SIGKILL');
        struck = true;
      });
      const cut = await manager.api('POST', `/api/instances/${userId}/stop`);
      watch.stop();
      expect(struck).toBe(true);
      expect(cut.status, cut.text).toBeGreaterThanOrEqual(500);
      const statusOf = async (): Promise<string> => (JSON.parse(await kubectl(['get', 'secret', '-n', namespace, '-l', `owner=helm,name=${release}`, '-o', 'json'])) as {
        items: { metadata: { labels: { status: string; version: string } } }[];
      }).items.map((s) => s.metadata.labels).sort((a, b) => Number(b.version) - Number(a.version))[0]?.status ?? '';
      expect(await statusOf()).toBe('pending-upgrade');

      const stopped = await manager.api('POST', `/api/instances/${userId}/stop`);
      expect(stopped.status, stopped.text).toBe(200);
      expect(stopped.body).toMatchObject({ phase: 'Stopped' });
      expect(await statusOf()).toBe('deployed');
      const history = (await manager.api('GET', `/api/instances/${userId}/revisions`)).body as { revisions: { revision: number; status: string; cause: string }[] };
      // helm's history keeps the cut-off revision as it was left.
      expect(history.revisions.slice(0, 3).map((r) => [r.revision, r.status])).toEqual([[4, 'deployed'], [3, 'superseded'], [2, 'pending-upgrade']]);
      expect(history.revisions.slice(0, 2).map((r) => r.cause)).toEqual(['stop', 'Rollback to 1']);
      expect((await manager.api('POST', `/api/instances/${userId}/start`)).status).toBeLessThan(300);
      await untilPhase(manager.api, userId, 'Running');
      expect((await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`)).status).toBe(200);
      await untilGone(userId);
    }, 400_000);
  });

  describe('manager restarted mid-create', () => {
    let manager: ManagerProcess | undefined;
    const start = (): Promise<ManagerProcess> => startManagerProcess({ env: helmManagerEnv(plugins, { namespace }) });
    afterAll(async () => {
      await manager?.stop();
    });

    it('killed with its helm: the next manager removes the unfinished install at start, and the user can be created again', async () => {
      const userId = `crashed-${suffix}`;
      const first = await start();
      const { res, struck } = await createAndStrike(() => first.api('POST', '/api/instances', { userId }), userId, () => kill(-first.pid, 'SIGKILL'));
      expect(struck).toBe(true);
      expect(res).toBeInstanceOf(Error);
      await first.exited;

      manager = await start();
      // The new manager's start-up sweep uninstalls the pending-install release; only a PVC the
      // dead install may have made is kept, like any data volume.
      await waitFor('the unfinished release gone', async () => {
        const left = await leftovers(userId, namespace);
        return left.every((o) => o.startsWith('persistentvolumeclaim/')) ? left : undefined;
      }, 120_000);
      expect((await manager.api('GET', `/api/instances/${userId}`)).status).toBe(404);
      expect((await manager.api('GET', '/api/instances')).body).toEqual({ instances: [] });

      const again = await manager.api('POST', '/api/instances', { userId });
      expect([201, 202], again.text).toContain(again.status);
      await untilPhase(manager.api, userId, 'Running');
      expect((await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`)).status).toBe(200);
      await untilGone(userId);
    }, 400_000);

    it('killed alone: its helm finishes the install, and the next manager shows the instance from the cluster', async () => {
      const userId = `orphan-${suffix}`;
      await manager?.stop();
      const first = await start();
      const { res, struck } = await createAndStrike(() => first.api('POST', '/api/instances', { userId }), userId, () => kill(first.pid, 'SIGKILL'));
      expect(struck).toBe(true);
      expect(res).toBeInstanceOf(Error);

      manager = await start();
      await untilPhase(manager.api, userId, 'Running');
      const list = (await manager.api('GET', '/api/instances')).body as { instances: Instance[] };
      expect(list.instances.map((i) => i.userId)).toEqual([userId]);
      expect((await manager.api('POST', '/api/instances', { userId })).status).toBe(409);
      expect((await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`)).status).toBe(200);
      await untilGone(userId);
    }, 400_000);
  });
});


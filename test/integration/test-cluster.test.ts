// The test control plane itself: healthy, at the pinned version, with a Ready node and storage that binds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createNamespace, deleteNamespace, getObject, kubectl, waitFor } from '../support/kube.js';

const pinned = /^KUBERNETES_VERSION=(.+)$/m.exec(readFileSync('versions.env', 'utf8'))?.[1];

let namespace: string;
beforeAll(async () => {
  namespace = await createNamespace('tc');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

describe('scripts/test-cluster', () => {
  it('serves /readyz ok', async () => {
    expect(await kubectl(['get', '--raw', '/readyz'])).toBe('ok');
  });

  it('reports the pinned Kubernetes version', async () => {
    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string } };
    expect(pinned).toBeDefined();
    expect(version.serverVersion.gitVersion).toBe(`v${pinned}`);
  });

  it('has a Ready node', async () => {
    const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: { status: { conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items.some((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
  });

  it('binds a PVC and knows the ManagedCertificate kind', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'probe' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    });
    const phase = await waitFor('the PVC to bind', async () => {
      const pvc = await getObject<{ status?: { phase?: string } }>('pvc', 'probe', namespace);
      return pvc?.status?.phase === 'Bound' ? pvc.status.phase : undefined;
    }, 60_000);
    expect(phase).toBe('Bound');
    expect(await kubectl(['api-resources', '--api-group=networking.gke.io', '-o', 'name'])).toContain('managedcertificates.networking.gke.io');
  });
});

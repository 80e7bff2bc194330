import type { V1Deployment, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { currentPod, describeInstance, imageTagOf } from '../../manager/src/runtime/helm/instance-status.js';

const deployment = (extra: Partial<V1Deployment> = {}, replicas = 1): V1Deployment => ({
  metadata: { name: 'alice-openclaw', creationTimestamp: new Date('2026-01-01T00:00:00Z'), labels: { 'openclaw.ai/user': 'alice' } },
  spec: { replicas, selector: {}, template: { spec: { containers: [{ name: 'openclaw', image: 'repo/openclaw-gke:v1' }] } } },
  ...extra,
});

const pod = (status: V1Pod['status'], created = '2026-01-01T00:01:00Z', deleting = false): V1Pod => ({
  metadata: { name: `alice-openclaw-${created.slice(14, 16)}`, creationTimestamp: new Date(created), ...(deleting ? { deletionTimestamp: new Date() } : {}) },
  spec: { containers: [], nodeName: 'kwok-node-0' },
  status,
});

const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
const notReady = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
const waiting = (reason: string) => ({ phase: 'Pending', containerStatuses: [{ name: 'openclaw', image: 'x', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason, message: 'back-off' } } }] });
const pvc = (phase: string, keep = true): V1PersistentVolumeClaim => ({
  metadata: { name: 'alice-openclaw-data', ...(keep ? { annotations: { 'helm.sh/resource-policy': 'keep' } } : {}) },
  status: { phase },
});

describe('describeInstance', () => {
  it.each<[string, V1Deployment, V1Pod[], V1PersistentVolumeClaim | undefined, string, boolean, string]>([
    ['ready pod', deployment(), [pod(ready)], pvc('Bound'), 'Running', true, 'gateway ready'],
    ['running, not ready', deployment(), [pod(notReady)], pvc('Bound'), 'Starting', false, 'waiting for readiness'],
    ['pod pending on a node', deployment(), [pod({ phase: 'Pending' })], pvc('Bound'), 'Starting', false, 'pod starting'],
    ['unschedulable', deployment(), [pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: '0/1 nodes available' }] })], pvc('Bound'), 'Pending', false, 'waiting for a node: 0/1 nodes available'],
    ['no pod, pvc pending', deployment(), [], pvc('Pending'), 'Pending', false, 'waiting for the data volume'],
    ['no pod yet', deployment(), [], pvc('Bound'), 'Pending', false, 'waiting for the pod'],
    ['crash loop', deployment(), [pod(waiting('CrashLoopBackOff'))], pvc('Bound'), 'Failed', false, 'openclaw: CrashLoopBackOff: back-off'],
    ['image pull', deployment(), [pod(waiting('ImagePullBackOff'))], pvc('Bound'), 'Failed', false, 'ImagePullBackOff'],
    ['pod failed', deployment(), [pod({ phase: 'Failed', message: 'evicted' })], pvc('Bound'), 'Failed', false, 'evicted'],
    ['rollout stalled', deployment({ status: { conditions: [{ type: 'Progressing', status: 'False', message: 'deadline exceeded' }] } }), [pod(notReady)], pvc('Bound'), 'Failed', false, 'deadline exceeded'],
    ['being deleted', deployment({ metadata: { name: 'alice-openclaw', deletionTimestamp: new Date() } }), [pod(ready)], pvc('Bound'), 'Deleting', false, 'being deleted'],
    ['stopped', deployment({}, 0), [], pvc('Bound'), 'Stopped', false, 'stopped (replicas 0'],
    ['stopped, pod still terminating', deployment({}, 0), [pod(ready, '2026-01-01T00:01:00Z', true)], pvc('Bound'), 'Stopped', false, 'stopped'],
    ['old pod terminating, new one starting', deployment(), [pod(ready, '2026-01-01T00:01:00Z', true), pod({ phase: 'Pending' }, '2026-01-01T00:02:00Z')], pvc('Bound'), 'Starting', false, 'pod starting'],
  ])('%s -> %s', (_name, d, pods, claim, phase, isReady, message) => {
    const instance = describeInstance({ userId: 'alice', namespace: 'openclaw', deployment: d, pods, pvc: claim });
    expect(instance.phase).toBe(phase);
    expect(instance.ready).toBe(isReady);
    expect(instance.message).toContain(message);
  });

  it('reports image, data volume and runtime details', () => {
    const instance = describeInstance({ userId: 'alice', namespace: 'openclaw', deployment: deployment(), pods: [pod(ready)], pvc: pvc('Bound') });
    expect(instance).toMatchObject({
      userId: 'alice',
      image: 'repo/openclaw-gke:v1',
      imageTag: 'v1',
      createdAt: '2026-01-01T00:00:00.000Z',
      dataVolume: { name: 'alice-openclaw-data', kept: true, phase: 'Bound' },
      runtime: { kind: 'helm', namespace: 'openclaw', release: 'alice-openclaw', deployment: 'alice-openclaw', pod: 'alice-openclaw-01', node: 'kwok-node-0' },
    });
    expect(instance.runtime.imageId).toBeNull();
    const unkept = describeInstance({ userId: 'alice', namespace: 'openclaw', deployment: deployment(), pods: [], pvc: pvc('Bound', false) });
    expect(unkept.dataVolume.kept).toBe(false);
  });

  it('reports the exact image the pod runs, by digest', () => {
    const digest = `repo/openclaw-gke@sha256:${'b'.repeat(64)}`;
    const running = pod({ ...ready, containerStatuses: [{ name: 'openclaw', image: 'repo/openclaw-gke:v1', imageID: digest, ready: true, restartCount: 0 }] });
    const instance = describeInstance({ userId: 'alice', namespace: 'openclaw', deployment: deployment(), pods: [running], pvc: pvc('Bound') });
    expect(instance.runtime.imageId).toBe(digest);
  });

  it('picks the newest pod that is not being deleted', () => {
    const old = pod(ready, '2026-01-01T00:01:00Z');
    const fresh = pod(notReady, '2026-01-01T00:05:00Z');
    const gone = pod(ready, '2026-01-01T00:09:00Z', true);
    expect(currentPod([old, gone, fresh])).toBe(fresh);
    expect(currentPod([gone])).toBe(gone);
    expect(currentPod([])).toBeUndefined();
  });
});

describe('imageTagOf', () => {
  it.each([
    ['repo/openclaw-gke:v1', 'v1'],
    ['us-central1-docker.pkg.dev/p/openclaw/openclaw-gke:2026.9.6', '2026.9.6'],
    ['localhost:5000/openclaw', 'latest'],
    ['localhost:5000/openclaw:dev', 'dev'],
    ['openclaw', 'latest'],
    ['openclaw:v2@sha256:abc', 'v2'],
  ])('%s -> %s', (image, tag) => {
    expect(imageTagOf(image)).toBe(tag);
  });
});

import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ProgressEmitter } from '../../manager/src/lifecycle/start-progress.js';
import type { StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { HELM_STEPS, helmStartProgress } from '../../manager/src/runtime/helm/helm-progress.js';
import { deploymentAvailable, rolloutState } from '../../manager/src/runtime/helm/rollout-status.js';
import { launchStages } from '../../manager/src/runtime/local/launch-stages.js';
import { LOCAL_STEPS, localStartProgress } from '../../manager/src/runtime/local/local-progress.js';
import { SSE_KEEPALIVE, formatSseData } from '../../manager/src/routes/sse.js';

const step = (progress: number, message = `at ${progress}`): StartProgress => ({ progress, message, ready: false, failed: false });

describe('ProgressEmitter', () => {
  it('sends the first observation, then growth or a new stage, and ends with ready at 100', () => {
    const emitter = new ProgressEmitter(2_000, () => 0);
    const sent = [step(5), step(5), step(20), step(10, 'at 20'), step(20), step(20, 'next stage'), step(80), { progress: 100, message: 'gateway ready', ready: true, failed: false }, step(90)]
      .map((o) => emitter.next(o))
      .filter((e) => e !== undefined);
    expect(sent).toEqual([step(5), step(20), step(20, 'next stage'), step(80), { progress: 100, message: 'gateway ready', ready: true, failed: false }]);
    expect(emitter.finished).toBe(true);
  });

  it('repeats an unchanged stage once the heartbeat is due, never more often', () => {
    let now = 0;
    const emitter = new ProgressEmitter(2_000, () => now);
    const at = (ms: number): StartProgress | undefined => {
      now = ms;
      return emitter.next(step(30, 'gateway: loading plugins'));
    };
    expect(at(0)).toEqual(step(30, 'gateway: loading plugins'));
    expect(at(500)).toBeUndefined();
    expect(at(1_999)).toBeUndefined();
    expect(at(2_000)).toEqual(step(30, 'gateway: loading plugins'));
    expect(at(3_000)).toBeUndefined();
    expect(at(4_100)).toEqual(step(30, 'gateway: loading plugins'));
  });

  it('caps everything but ready below 100 and never goes back', () => {
    const emitter = new ProgressEmitter(2_000, () => 0);
    expect(emitter.next(step(100))?.progress).toBe(99);
    expect(emitter.next(step(40, 'at 100'))).toBeUndefined();
    expect(emitter.next(step(40))).toEqual(step(99, 'at 40'));
  });

  it('ends on failure, keeping the progress reached', () => {
    const emitter = new ProgressEmitter();
    emitter.next(step(35));
    expect(emitter.next({ progress: 0, message: 'openclaw: ImagePullBackOff', ready: false, failed: true })).toEqual({
      progress: 35, message: 'openclaw: ImagePullBackOff', ready: false, failed: true,
    });
    expect(emitter.finished).toBe(true);
    expect(emitter.next(step(50))).toBeUndefined();
  });

  it('reports a stream that could not go on as failed', () => {
    const emitter = new ProgressEmitter();
    emitter.next(step(20));
    expect(emitter.fail('Instance "a" not found')).toEqual({ progress: 20, message: 'Instance "a" not found', ready: false, failed: true });
  });
});

describe('server-sent event format', () => {
  it.each([
    [{ progress: 0, message: 'stopped', ready: false, failed: false }, 'data: {"progress":0,"message":"stopped","ready":false,"failed":false}\n\n'],
    [{ progress: 100, message: 'line\nbreak "quoted"', ready: true, failed: false }, 'data: {"progress":100,"message":"line\\nbreak \\"quoted\\"","ready":true,"failed":false}\n\n'],
  ])('%j', (event, text) => {
    expect(formatSseData(event)).toBe(text);
    expect(formatSseData(event).slice(0, -2)).not.toContain('\n');
  });

  it('keeps the connection alive with a comment line', () => {
    expect(SSE_KEEPALIVE).toBe(': keepalive\n\n');
  });
});

const deployment = (replicas = 1, extra: Partial<V1Deployment> = {}): V1Deployment => ({
  metadata: { name: 'alice-openclaw', generation: 2, creationTimestamp: new Date('2026-01-01T00:00:00Z') },
  spec: { replicas, selector: {}, template: { spec: { containers: [{ name: 'openclaw', image: 'repo/openclaw:v2' }] } } },
  ...extra,
});
const pod = (status: V1Pod['status'] = {}, nodeName?: string, image = 'repo/openclaw:v2'): V1Pod => ({
  metadata: { name: 'alice-openclaw-abc', uid: 'uid-1', creationTimestamp: new Date('2026-01-01T00:01:00Z') },
  spec: { containers: [{ name: 'openclaw', image }], ...(nodeName ? { nodeName } : {}) },
  status,
});
const event = (reason: string, message = ''): CoreV1Event => ({
  metadata: { name: `e-${reason}` },
  involvedObject: { kind: 'Pod', name: 'alice-openclaw-abc', uid: 'uid-1' },
  reason,
  message,
});
const objects = { userId: 'alice', namespace: 'openclaw', pvc: undefined };

describe('helmStartProgress', () => {
  const scheduled = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] };
  it.each<[string, V1Deployment, V1Pod[], CoreV1Event[], number, string, boolean, boolean]>([
    ['stopped', deployment(0), [], [], 0, 'stopped', false, false],
    ['no pod yet', deployment(), [], [], HELM_STEPS.waiting, 'waiting for the pod', false, false],
    ['pod, no node', deployment(), [pod({ phase: 'Pending' })], [], HELM_STEPS.podCreated, 'created; waiting for a node', false, false],
    ['no node, the scheduler says why', deployment(), [pod({ phase: 'Pending' })], [event('FailedScheduling', '0/1 nodes are available')], HELM_STEPS.podCreated, 'waiting for a node: 0/1 nodes are available', false, false],
    ['Scheduled event', deployment(), [pod({ phase: 'Pending' })], [event('Scheduled', 'Successfully assigned openclaw/alice to node-1')], HELM_STEPS.scheduled, 'Successfully assigned', false, false],
    ['PodScheduled condition only', deployment(), [pod(scheduled, 'node-1')], [], HELM_STEPS.scheduled, 'scheduled on node-1', false, false],
    ['Pulling', deployment(), [pod(scheduled, 'node-1')], [event('Scheduled'), event('Pulling', 'Pulling image "repo/openclaw:v2"')], HELM_STEPS.pulling, 'Pulling image', false, false],
    ['Pulled', deployment(), [pod(scheduled, 'node-1')], [event('Pulling'), event('Pulled', 'Successfully pulled')], HELM_STEPS.pulled, 'Successfully pulled', false, false],
    ['Created', deployment(), [pod(scheduled, 'node-1')], [event('Pulled'), event('Created', 'Created container openclaw')], HELM_STEPS.created, 'Created container', false, false],
    ['Started', deployment(), [pod(scheduled, 'node-1')], [event('Created'), event('Started')], HELM_STEPS.started, 'waiting for the gateway', false, false],
    ['running without events (kwok)', deployment(), [pod({ phase: 'Running', containerStatuses: [{ name: 'openclaw', image: 'x', imageID: 'sha', ready: false, restartCount: 0, state: { running: {} } }] }, 'node-1')], [], HELM_STEPS.started, 'waiting for the gateway', false, false],
    ['ready', deployment(), [pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }, 'node-1')], [], 100, 'gateway ready', true, false],
    ['image pull failure', deployment(), [pod({ phase: 'Pending', containerStatuses: [{ name: 'openclaw', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] }, 'node-1')], [], 0, 'ImagePullBackOff', false, true],
  ])('%s', (_name, d, pods, events, progress, message, ready, failed) => {
    const result = helmStartProgress({ ...objects, deployment: d, pods, events });
    expect(result).toMatchObject({ progress, ready, failed });
    expect(result.message).toContain(message);
  });

  it('ignores the Events of another pod', () => {
    const other = { ...event('Started'), involvedObject: { kind: 'Pod', name: 'alice-openclaw-old', uid: 'uid-0' } };
    expect(helmStartProgress({ ...objects, deployment: deployment(), pods: [pod({ phase: 'Pending' })], events: [other] }).progress).toBe(HELM_STEPS.podCreated);
  });
});

describe('localStartProgress', () => {
  it.each<[string, Parameters<typeof localStartProgress>[0], number, boolean, boolean]>([
    ['stopped', { phase: 'Stopped', ready: false, message: 'stopped', healthy: false }, 0, false, false],
    ['launching', { phase: 'Pending', ready: false, message: 'starting the process', healthy: false }, LOCAL_STEPS.launching, false, false],
    ['process started', { phase: 'Starting', ready: false, message: '', healthy: false }, LOCAL_STEPS.processStarted, false, false],
    ['healthz answers', { phase: 'Starting', ready: false, message: '', healthy: true }, LOCAL_STEPS.healthy, false, false],
    ['a stage read from the output', { phase: 'Starting', ready: false, message: '', healthy: false, stage: { progress: 20, message: 'gateway: process started' } }, 20, false, false],
    ['the furthest of stage and healthz', { phase: 'Starting', ready: false, message: '', healthy: true, stage: { progress: 85, message: 'gateway: starting channels' } }, 85, false, false],
    ['ready', { phase: 'Running', ready: true, message: 'gateway ready', healthy: true }, 100, true, false],
    ['process died', { phase: 'Failed', ready: false, message: 'exited with code 1', healthy: false }, 0, false, true],
  ])('%s', (_name, input, progress, ready, failed) => {
    expect(localStartProgress(input)).toMatchObject({ progress, ready, failed });
  });
});

describe('launchStages', () => {
  const color = (text: string): string => `\x1b[90m2026-12-07T00:51:43.014+00:00\x1b[39m \x1b[36m[gateway]\x1b[39m \x1b[36m${text}\x1b[39m`;
  const lines = [
    ['[entrypoint] plugins from /opt/openclaw/plugins: seeded', 10],
    ['[entrypoint] started xvfb (pid 11)', 12],
    ['[entrypoint] started x11vnc (pid 12)', 14],
    ['[entrypoint] started websockify (pid 13)', 16],
    ['[entrypoint] started chromium (pid 14)', 18],
    ['[entrypoint] started gateway (pid 15)', 20],
    [color('loading configuration…'), 35],
    [color('starting...'), 45],
    [color('starting HTTP server...'), 55],
    [color('http server listening (10 plugins: browser, whatsapp; 18.1s)'), 75],
    [color('starting channels and sidecars...'), 85],
    [color('ready'), 95],
  ] as const;

  it.each(lines.map((_, i) => [i] as const))('after line %i every milestone so far, in order', (i) => {
    const output = lines.slice(0, i + 1).map(([line]) => line).join('\n');
    expect(launchStages(output).map((s) => s.progress)).toEqual(lines.slice(0, i + 1).map(([, progress]) => progress));
  });

  it('ignores lines that only look alike, and an empty output', () => {
    expect(launchStages('')).toEqual([]);
    expect(launchStages(color('heartbeat ready to go') + '\n[entrypoint] started forwarder (pid 3)')).toEqual([]);
  });
});

describe('rolloutState', () => {
  const available = { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 };
  const readyPod = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }, 'node-1');
  it.each<[string, V1Deployment, V1Pod[], string]>([
    ['done', deployment(1, { status: available }), [readyPod], 'done'],
    ['controller has not seen the new spec', deployment(1, { status: { ...available, observedGeneration: 1 } }), [readyPod], 'progressing'],
    ['new pod not available yet', deployment(1, { status: { ...available, availableReplicas: 0, unavailableReplicas: 1 } }), [pod({ phase: 'Pending' })], 'progressing'],
    ['still on the old tag', deployment(1, { spec: { replicas: 1, selector: {}, template: { spec: { containers: [{ name: 'openclaw', image: 'repo/openclaw:v1' }] } } }, status: available }), [readyPod], 'progressing'],
    ['stopped instance', deployment(0, { status: {} }), [], 'stopped'],
    ['new pod crash-looping', deployment(1, { status: { ...available, availableReplicas: 0 } }), [pod({ phase: 'Running', containerStatuses: [{ name: 'openclaw', image: 'x', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, 'node-1')], 'failed'],
    ['old pod crash-looping while the new one comes', deployment(1, { status: { ...available, availableReplicas: 0 } }), [pod({ phase: 'Running', containerStatuses: [{ name: 'openclaw', image: 'x', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, 'node-1', 'repo/openclaw:v1')], 'progressing'],
  ])('%s -> %s', (_name, d, pods, state) => {
    expect(rolloutState({ userId: 'alice', namespace: 'openclaw', deployment: d, pods }, 'v2').state).toBe(state);
  });

  it('counts a Deployment available only with every replica updated and available', () => {
    expect(deploymentAvailable(deployment(1, { status: available }))).toBe(true);
    expect(deploymentAvailable(deployment(1, { status: { ...available, updatedReplicas: 0 } }))).toBe(false);
    expect(deploymentAvailable(deployment(0, { status: { observedGeneration: 2 } }))).toBe(true);
  });
});

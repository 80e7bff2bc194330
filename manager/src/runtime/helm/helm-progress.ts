// Pure: how far one instance's start has come, from what the cluster says about it: the Deployment,
// its current pod's status and that pod's Events (Scheduled, Pulling, Pulled, Created, Started),
// ending with readiness. Each step is worth a fixed share; the furthest step with evidence wins, so a
// missed or expired Event never holds the number back when the pod's status already shows more.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { StartProgress } from '../instance-runtime.js';
import { currentPod, describeInstance, type UserObjects } from './instance-status.js';

export interface HelmProgressInput extends UserObjects {
  /** Events of the current pod (any order). */
  readonly events: readonly CoreV1Event[];
}

interface Step {
  readonly progress: number;
  readonly message: string;
}

/** The share of each step; ready is 100 and only ready is. */
export const HELM_STEPS = {
  waiting: 5,
  podCreated: 10,
  scheduled: 20,
  pulling: 35,
  pulled: 55,
  created: 65,
  started: 80,
} as const;

function condition(pod: V1Pod, type: string): boolean {
  return pod.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

function eventSteps(events: readonly CoreV1Event[]): Step[] {
  const steps: Step[] = [];
  for (const event of events) {
    const text = event.message ?? '';
    switch (event.reason) {
      case 'Scheduled':
        steps.push({ progress: HELM_STEPS.scheduled, message: text || 'scheduled on a node' });
        break;
      case 'Pulling':
        steps.push({ progress: HELM_STEPS.pulling, message: text || 'pulling the image' });
        break;
      case 'Pulled':
        steps.push({ progress: HELM_STEPS.pulled, message: text || 'image pulled' });
        break;
      case 'Created':
        steps.push({ progress: HELM_STEPS.created, message: text || 'container created' });
        break;
      case 'Started':
        steps.push({ progress: HELM_STEPS.started, message: 'container started; waiting for the gateway to be ready' });
        break;
      default:
        break;
    }
  }
  return steps;
}

function statusSteps(pod: V1Pod): Step[] {
  const steps: Step[] = [{ progress: HELM_STEPS.podCreated, message: `pod ${pod.metadata?.name ?? '(unnamed)'} created; waiting for a node` }];
  if (condition(pod, 'PodScheduled') || pod.spec?.nodeName) {
    steps.push({ progress: HELM_STEPS.scheduled, message: `scheduled on ${pod.spec?.nodeName ?? 'a node'}` });
  }
  const main = pod.status?.containerStatuses?.find((s) => s.name === 'openclaw') ?? pod.status?.containerStatuses?.[0];
  if (main?.imageID) steps.push({ progress: HELM_STEPS.pulled, message: 'image pulled' });
  if (main?.state?.running || main?.state?.terminated) {
    steps.push({ progress: HELM_STEPS.started, message: 'container started; waiting for the gateway to be ready' });
  }
  return steps;
}

/** The furthest step reached (a later step with equal share keeps the earlier message). */
function furthest(steps: readonly Step[]): Step {
  return steps.reduce((best, step) => (step.progress > best.progress ? step : best));
}

/**
 * @example helmStartProgress({ ...objects, events: [] }) // { progress: 10, message: 'pod ... created; waiting for a node', ... }
 */
export function helmStartProgress(input: HelmProgressInput): StartProgress {
  const instance = describeInstance(input);
  if (instance.phase === 'Running') return { progress: 100, message: 'gateway ready', ready: true, failed: false };
  if (instance.phase === 'Failed' || instance.phase === 'Deleting') {
    return { progress: 0, message: instance.message, ready: false, failed: true };
  }
  if (instance.phase === 'Stopped') return { progress: 0, message: 'stopped; waiting for a start', ready: false, failed: false };
  const pod = currentPod(input.pods);
  const steps: Step[] = [{ progress: HELM_STEPS.waiting, message: instance.message }];
  if (pod && !pod.metadata?.deletionTimestamp) {
    steps.push(...statusSteps(pod));
    const uid = pod.metadata?.uid;
    const own = input.events.filter((e) => e.involvedObject.name === pod.metadata?.name && (uid === undefined || e.involvedObject.uid === undefined || e.involvedObject.uid === uid));
    steps.push(...eventSteps(own));
    const failedScheduling = own.filter((e) => e.reason === 'FailedScheduling').at(-1);
    const best = furthest(steps);
    if (best.progress === HELM_STEPS.podCreated && failedScheduling?.message) {
      return { progress: best.progress, message: `waiting for a node: ${failedScheduling.message}`, ready: false, failed: false };
    }
    return { ...best, ready: false, failed: false };
  }
  return { ...furthest(steps), ready: false, failed: false };
}

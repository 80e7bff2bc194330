// The helm runtime's start progress as a stream: one observation now and one after every change of
// the user's objects in the watch cache or of the current pod's Events, until the signal aborts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';
import { ChangeSignal } from '../change-signal.js';
import type { StartProgress } from '../instance-runtime.js';
import { InstanceNotFound } from '../runtime-errors.js';
import { helmStartProgress } from './helm-progress.js';
import { currentPod } from './instance-status.js';
import { PodEvents } from './pod-events.js';
import type { WatchCache } from './watch-cache.js';

export interface HelmProgressStreamOptions {
  readonly cache: WatchCache;
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly logger: Logger;
  /** Look again at least this often, change or not (default 2 s, so the stream's heartbeat has news to carry). */
  readonly recheckMs?: number;
}

/** InstanceNotFound (from the iteration) once the user's Deployment is gone. */
export async function* helmProgressStream(options: HelmProgressStreamOptions, userId: string, signal: AbortSignal): AsyncIterable<StartProgress> {
  const { cache, namespace } = options;
  const events = new PodEvents({ kubeConfig: options.kubeConfig, namespace, logger: options.logger });
  const changed = new ChangeSignal();
  const unsubscribe = [cache.onChange(() => changed.notify()), events.onChange(() => changed.notify())];
  try {
    while (!signal.aborted) {
      const deployment = cache.deployment(userId);
      if (!deployment) throw new InstanceNotFound(userId);
      const pods = cache.pods(userId);
      events.follow(currentPod(pods)?.metadata?.name);
      yield helmStartProgress({ userId, namespace, deployment, pods, pvc: cache.pvc(userId), events: events.events() });
      await changed.next(signal, options.recheckMs ?? 2_000);
    }
  } finally {
    for (const off of unsubscribe) off();
    await events.close();
  }
}

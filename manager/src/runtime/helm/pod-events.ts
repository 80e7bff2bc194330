// The Events of one pod (Scheduled, Pulling, Pulled, Created, Started, FailedScheduling...), watched
// only while someone follows an instance's start: one list + watch narrowed to that pod by field
// selector, moved to the next pod when the instance's current pod changes. Not part of the watch
// cache on purpose: a namespace's Events are many and nobody needs them outside a progress stream.
import { CoreV1Api, ListWatch, Watch, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';

export interface PodEventsOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly logger: Logger;
}

export class PodEvents {
  private readonly core: CoreV1Api;
  private readonly listeners = new Set<() => void>();
  private current: { readonly pod: string; readonly watch: ListWatch<CoreV1Event> } | undefined;
  private closed = false;

  constructor(private readonly options: PodEventsOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Follows the events of `pod` from now on (the ones already recorded included); undefined follows none. */
  follow(pod: string | undefined): void {
    if (this.closed || this.current?.pod === pod) return;
    void this.current?.watch.stop();
    this.current = undefined;
    if (pod === undefined) return;
    const { namespace } = this.options;
    const fieldSelector = `involvedObject.kind=Pod,involvedObject.name=${pod}`;
    const watch = new ListWatch<CoreV1Event>(
      `/api/v1/namespaces/${namespace}/events`,
      new Watch(this.options.kubeConfig),
      () => this.core.listNamespacedEvent({ namespace, fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
    watch.on('change', () => this.notify());
    // Without events the progress still follows the pod's status; say why once and carry on.
    watch.on('error', (err: unknown) => {
      if (!this.closed) this.options.logger.debug({ err: err instanceof Error ? err.message : String(err), pod }, 'pod events unavailable');
    });
    this.current = { pod, watch };
    void watch.start().then(() => this.notify(), () => undefined);
  }

  /** Events of the followed pod, oldest first. */
  events(): CoreV1Event[] {
    const list = [...(this.current?.watch.list(this.options.namespace) ?? [])];
    const time = (e: CoreV1Event): number => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? 0).getTime();
    return list.sort((a, b) => time(a) - time(b));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.current?.watch.stop();
    this.current = undefined;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

// The helm runtime's view of the cluster: informers (list + watch) on the Deployments, Pods and PVCs
// labelled openclaw.ai/user in the namespace (of the pods, the gateway's own: not a `helm test` pod).
// Reads never go to the API server or to `helm list`.
import {
  AppsV1Api, CoreV1Api, makeInformer,
  type Informer, type KubeConfig, type KubernetesObject, type ObjectCache,
  type V1Deployment, type V1PersistentVolumeClaim, type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from '../../logger.js';
import { gatewayPodSelector, USER_LABEL, dataClaimName, objectName } from '../../names/object-names.js';

type Cached<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export interface WatchCacheOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly logger: Logger;
  /** Delay before a failed list/watch is retried (default 3000 ms). */
  readonly retryMs?: number;
}

export class WatchCache {
  private readonly deploymentsInformer: Cached<V1Deployment>;
  private readonly podsInformer: Cached<V1Pod>;
  private readonly pvcsInformer: Cached<V1PersistentVolumeClaim>;
  private readonly synced = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: WatchCacheOptions) {
    const { kubeConfig: kc, namespace } = options;
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const labelSelector = USER_LABEL;
    this.deploymentsInformer = this.watch('deployments', makeInformer(
      kc, `/apis/apps/v1/namespaces/${namespace}/deployments`,
      this.marking('deployments', () => apps.listNamespacedDeployment({ namespace, labelSelector })), labelSelector,
    ));
    const podSelector = gatewayPodSelector();
    this.podsInformer = this.watch('pods', makeInformer(
      kc, `/api/v1/namespaces/${namespace}/pods`,
      this.marking('pods', () => core.listNamespacedPod({ namespace, labelSelector: podSelector })), podSelector,
    ));
    this.pvcsInformer = this.watch('pvcs', makeInformer(
      kc, `/api/v1/namespaces/${namespace}/persistentvolumeclaims`,
      this.marking('pvcs', () => core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector })), labelSelector,
    ));
  }

  /** Starts all informers; resolves after their first list attempt, whether it worked or not. */
  async start(): Promise<void> {
    await Promise.all([this.deploymentsInformer.start(), this.podsInformer.start(), this.pvcsInformer.start()]);
  }

  /** Every informer has listed at least once. */
  get ready(): boolean {
    return this.synced.size === 3;
  }

  deployments(): V1Deployment[] {
    return [...this.deploymentsInformer.list(this.options.namespace)];
  }

  deployment(userId: string): V1Deployment | undefined {
    return this.deploymentsInformer.get(objectName(userId), this.options.namespace);
  }

  pods(userId: string): V1Pod[] {
    return this.podsInformer.list(this.options.namespace).filter((p) => p.metadata?.labels?.[USER_LABEL] === userId);
  }

  pvc(userId: string): V1PersistentVolumeClaim | undefined {
    return this.pvcsInformer.get(dataClaimName(userId), this.options.namespace);
  }

  /**
   * Resolves true once `predicate` holds (checked now and after every change), false after
   * `timeoutMs` or when `signal` aborts.
   */
  waitUntil(predicate: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        done(true);
      };
      const abort = (): void => done(false);
      const timer = setTimeout(abort, timeoutMs);
      const done = (result: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        this.listeners.delete(check);
        resolve(result);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.listeners.add(check);
    });
  }

  /** Calls `listener` after every change of a cached object; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    await Promise.all([this.deploymentsInformer.stop(), this.podsInformer.stop(), this.pvcsInformer.stop()]);
  }

  private marking<T>(name: string, list: () => Promise<T>): () => Promise<T> {
    return async () => {
      const result = await list();
      this.synced.add(name);
      queueMicrotask(() => this.notify());
      return result;
    };
  }

  private watch<T extends KubernetesObject>(name: string, informer: Cached<T>): Cached<T> {
    informer.on('change', () => this.notify());
    // An informer stops on error; start it again after a pause (a 410 Gone relists by itself).
    informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      this.options.logger.warn({ err: describe(err), resource: name }, 'watch failed; retrying');
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (!this.stopped) void informer.start();
      }, this.options.retryMs ?? 3000);
      timer.unref();
      this.retryTimers.add(timer);
    });
    return informer;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'object' && err !== null ? JSON.stringify(err).slice(0, 500) : String(err);
}

// An in-memory InstanceRuntime for unit tests of the HTTP layer (routes, auth, validation). It is a
// double of our own interface, not of an external peer; integration tests use the real runtimes.
import { setTimeout as delay } from 'node:timers/promises';
import type {
  DeleteOptions, DeleteResult, GatewayTarget, Instance, InstanceRevision, InstanceRuntime, InstanceSpec, StartProgress, UpgradeOptions, VncTarget,
} from '../../manager/src/runtime/instance-runtime.js';
import { InstanceAlreadyExists, InstanceNotFound, RevisionNotFound } from '../../manager/src/runtime/runtime-errors.js';
import { MemoryBackups } from './memory-backups.js';

export class MemoryRuntime implements InstanceRuntime {
  readonly kind = 'local' as const;
  readonly backups = new MemoryBackups();
  readonly instances = new Map<string, Instance>();
  readonly created: InstanceSpec[] = [];
  readonly deleted: { userId: string; purge: boolean }[] = [];
  /** Whether new instances are ready at once (201) or starting (202). */
  readyOnCreate = false;
  target: GatewayTarget = { url: 'ws://127.0.0.1:1', token: 'memory-token' };
  readonly stops: string[] = [];
  readonly starts: string[] = [];
  /** Replaces the default upgrade (record the tag, stay ready) when a test needs delays or failures. */
  upgradeHook: ((userId: string, imageTag: string, options: UpgradeOptions) => Promise<void>) | undefined;
  /** Every user's revisions, oldest first, like helm's history. */
  readonly history = new Map<string, InstanceRevision[]>();
  readonly rollbacks: { userId: string; revision: number; cause: string | undefined }[] = [];
  /** Scripted progress per user, yielded in order before the stream follows the instance's state. */
  readonly progressSteps = new Map<string, StartProgress[]>();
  progressDelayMs = 10;
  /** Progress streams open right now (a closed client must bring this back to 0). */
  openProgressStreams = 0;

  async start(): Promise<void> {}

  async create(spec: InstanceSpec): Promise<Instance> {
    if (this.instances.has(spec.userId)) throw new InstanceAlreadyExists(spec.userId);
    this.created.push(spec);
    const instance: Instance = {
      userId: spec.userId,
      phase: this.readyOnCreate ? 'Running' : 'Starting',
      ready: this.readyOnCreate,
      message: this.readyOnCreate ? 'gateway ready' : 'gateway starting',
      image: 'memory',
      imageTag: 'latest',
      createdAt: new Date(0).toISOString(),
      dataVolume: { name: `${spec.userId}-openclaw-data`, kept: true },
      runtime: { kind: 'local' },
    };
    this.instances.set(spec.userId, instance);
    this.addRevision(spec.userId, 'latest', 'create');
    return instance;
  }

  private addRevision(userId: string, imageTag: string, cause: string): void {
    const kept = (this.history.get(userId) ?? []).map((r) => ({ ...r, status: 'superseded' }));
    const revision = (kept.at(-1)?.revision ?? 0) + 1;
    kept.push({ revision, imageTag, imageDigest: null, at: new Date(revision * 1000).toISOString(), status: 'deployed', cause });
    this.history.set(userId, kept.slice(-10));
  }

  async list(): Promise<Instance[]> {
    return [...this.instances.values()];
  }

  async get(userId: string): Promise<Instance> {
    const instance = this.instances.get(userId);
    if (!instance) throw new InstanceNotFound(userId);
    return instance;
  }

  private put(instance: Instance): Instance {
    this.instances.set(instance.userId, instance);
    return instance;
  }

  setReady(userId: string, ready: boolean): void {
    const instance = this.instances.get(userId);
    if (instance) this.instances.set(userId, { ...instance, ready, phase: ready ? 'Running' : 'Starting' });
  }

  async delete(userId: string, options: DeleteOptions): Promise<DeleteResult> {
    if (!this.instances.delete(userId)) throw new InstanceNotFound(userId);
    this.deleted.push({ userId, purge: options.purge });
    return { userId, dataVolume: { name: `${userId}-openclaw-data`, kept: !options.purge } };
  }

  async stopInstance(userId: string): Promise<Instance> {
    const instance = await this.get(userId);
    if (instance.phase === 'Stopped') return instance;
    this.stops.push(userId);
    return this.put({ ...instance, phase: 'Stopped', ready: false, message: 'stopped' });
  }

  async startInstance(userId: string): Promise<Instance> {
    const instance = await this.get(userId);
    if (instance.phase !== 'Stopped') return instance;
    this.starts.push(userId);
    const ready = this.readyOnCreate;
    return this.put({ ...instance, phase: ready ? 'Running' : 'Starting', ready, message: ready ? 'gateway ready' : 'gateway starting' });
  }

  async upgrade(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance> {
    const instance = await this.get(userId);
    this.put({ ...instance, imageTag, image: `memory:${imageTag}` });
    this.addRevision(userId, imageTag, options.cause ?? `upgrade to ${imageTag}`);
    if (instance.phase !== 'Stopped') await this.upgradeHook?.(userId, imageTag, options);
    return this.get(userId);
  }

  async revisions(userId: string, max = 10): Promise<InstanceRevision[]> {
    await this.get(userId);
    return [...(this.history.get(userId) ?? [])].reverse().slice(0, max);
  }

  async rollback(userId: string, revision: number, options: UpgradeOptions): Promise<Instance> {
    const instance = await this.get(userId);
    const kept = this.history.get(userId) ?? [];
    const target = kept.find((r) => r.revision === revision);
    if (!target) throw new RevisionNotFound(userId, revision, kept.map((r) => r.revision));
    this.rollbacks.push({ userId, revision, cause: options.cause });
    this.addRevision(userId, target.imageTag, `Rollback to ${revision}`);
    const running = instance.phase !== 'Stopped';
    return this.put({
      ...instance, imageTag: target.imageTag, image: `memory:${target.imageTag}`,
      ...(running ? { phase: 'Running', ready: true, message: 'gateway ready' } : {}),
    });
  }

  async *progress(userId: string, signal: AbortSignal): AsyncIterable<StartProgress> {
    await this.get(userId);
    this.openProgressStreams += 1;
    try {
      for (const step of this.progressSteps.get(userId) ?? []) {
        if (signal.aborted) return;
        yield step;
        await delay(this.progressDelayMs, undefined, { signal }).catch(() => undefined);
      }
      while (!signal.aborted) {
        const instance = await this.get(userId);
        if (instance.ready) yield { progress: 100, message: 'gateway ready', ready: true, failed: false };
        else yield { progress: instance.phase === 'Stopped' ? 0 : 50, message: instance.message, ready: false, failed: instance.phase === 'Failed' };
        await delay(20, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.openProgressStreams -= 1;
    }
  }

  async gatewayTarget(userId: string): Promise<GatewayTarget> {
    await this.get(userId);
    return this.target;
  }

  async vncTarget(userId: string): Promise<VncTarget> {
    await this.get(userId);
    return { url: 'ws://127.0.0.1:2' };
  }

  async close(): Promise<void> {}
}

// An in-memory InstanceRuntime for unit tests of the HTTP layer (routes, auth, validation). It is a
// double of our own interface, not of an external peer; integration tests use the real runtimes.
import type {
  DeleteOptions, DeleteResult, GatewayTarget, Instance, InstanceRuntime, InstanceSpec, VncTarget,
} from '../../manager/src/runtime/instance-runtime.js';
import { InstanceAlreadyExists, InstanceNotFound } from '../../manager/src/runtime/runtime-errors.js';

export class MemoryRuntime implements InstanceRuntime {
  readonly kind = 'local' as const;
  readonly instances = new Map<string, Instance>();
  readonly created: InstanceSpec[] = [];
  readonly deleted: { userId: string; purge: boolean }[] = [];
  /** Whether new instances are ready at once (201) or starting (202). */
  readyOnCreate = false;
  target: GatewayTarget = { url: 'ws://127.0.0.1:1', token: 'memory-token' };

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
      createdAt: new Date(0).toISOString(),
      dataVolume: { name: `${spec.userId}-openclaw-data`, kept: true },
      runtime: { kind: 'local' },
    };
    this.instances.set(spec.userId, instance);
    return instance;
  }

  async list(): Promise<Instance[]> {
    return [...this.instances.values()];
  }

  async get(userId: string): Promise<Instance> {
    const instance = this.instances.get(userId);
    if (!instance) throw new InstanceNotFound(userId);
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

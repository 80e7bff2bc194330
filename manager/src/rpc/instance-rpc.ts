// Gateway RPC for an instance: finds its gateway through the runtime and calls it over the shared
// connection pool (one connection per instance). A changed address or token gets a new connection.
// Every call counts as activity on the instance (the idle stop reads it).
import { createHash } from 'node:crypto';
import type { ManagerMetrics } from '../metrics/metrics.js';
import type { GatewayTarget, InstanceRuntime } from '../runtime/instance-runtime.js';
import { assertServing } from '../runtime/serving-guard.js';
import type { RpcRequest } from '../validation/api-types.js';
import { ActivityTracker } from '../activity/activity-tracker.js';
import { mapGatewayError } from './gateway-error-map.js';

/** The part of GatewayPool this needs. */
export interface GatewayCaller {
  call<T = unknown>(
    key: string,
    target: { url: string; token: string },
    method: string,
    params?: unknown,
    opts?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T>;
  evict(key: string): unknown;
}

export class InstanceRpc {
  /** Each user's pool key and the target it was made for. */
  private readonly keys = new Map<string, { readonly key: string; readonly url: string; readonly token: string }>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly runtime: InstanceRuntime,
    private readonly pool: GatewayCaller,
    private readonly metrics?: ManagerMetrics,
    /** When each instance last got an RPC (default: a tracker of its own). */
    readonly activity: ActivityTracker = new ActivityTracker(),
  ) {}

  /**
   * Calls `method` on the user's gateway; InstanceNotFound / InstanceStopped / InstanceNotReady /
   * mapped gateway errors.
   * Aborting `options.signal` (e.g. the HTTP client left) stops waiting for the answer.
   */
  async call(userId: string, request: RpcRequest, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const instance = await this.runtime.get(userId);
    assertServing(instance);
    this.activity.touch(userId);
    this.inFlight.set(userId, (this.inFlight.get(userId) ?? 0) + 1);
    try {
      const target = await this.runtime.gatewayTarget(userId);
      const key = await this.keyFor(userId, target);
      try {
        const result = await this.pool.call(key, target, request.method, request.params, { timeoutMs: request.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
        this.metrics?.recordRpc(request.method, 'ok');
        return result;
      } catch (err) {
        const mapped = mapGatewayError(err);
        const code = (mapped as { code?: unknown }).code;
        this.metrics?.recordRpc(request.method, typeof code === 'string' ? code : 'ERROR');
        throw mapped;
      }
    } finally {
      const left = (this.inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(userId, left);
      else this.inFlight.delete(userId);
      // A long call (a WhatsApp wait) is activity until it ends, not only when it began.
      this.activity.touch(userId);
    }
  }

  /** Whether a call to the user's gateway is under way right now. */
  busy(userId: string): boolean {
    return this.inFlight.has(userId);
  }

  /** Drops everything known about the user (after a delete). */
  async forget(userId: string): Promise<void> {
    this.activity.forget(userId);
    await this.disconnect(userId);
  }

  /** Drops the user's pooled connection (after a stop or an upgrade, its gateway is gone). */
  async disconnect(userId: string): Promise<void> {
    const known = this.keys.get(userId);
    this.keys.delete(userId);
    if (known !== undefined) await this.pool.evict(known.key);
  }

  private async keyFor(userId: string, target: GatewayTarget): Promise<string> {
    const previous = this.keys.get(userId);
    if (previous !== undefined && previous.url === target.url && previous.token === target.token) return previous.key;
    const digest = createHash('sha256').update(`${target.url}\n${target.token}`).digest('hex').slice(0, 16);
    const key = `${userId}:${digest}`;
    if (previous !== undefined && previous.key !== key) await this.pool.evict(previous.key);
    this.keys.set(userId, { key, url: target.url, token: target.token });
    return key;
  }
}

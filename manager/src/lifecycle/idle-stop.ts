// Stops (never deletes) instances nobody used for a while: no RPC or VNC traffic through this
// manager for `idleAfterMs` (OPENCLAW_IDLE_STOP_AFTER). Idle time counts from the last activity, or
// from when this manager first saw the instance ready if that is later: a freshly started instance,
// or one that was running before the manager started, gets the full period before it is stopped.
// An instance in use right now (an RPC under way, a viewer on its screen) is never idle.
import type { Logger } from '../logger.js';
import type { Instance, InstanceRuntime } from '../runtime/instance-runtime.js';
import { OperationInProgress } from '../runtime/runtime-errors.js';
import { formatDuration } from '../duration.js';

export interface IdleDecisionInput {
  readonly now: number;
  readonly idleAfterMs: number;
  /** Last activity on the instance in ms since the epoch, or undefined when none was seen. */
  readonly lastActivity: (userId: string) => number | undefined;
  /** In use right now, whatever the last activity says (default: never). */
  readonly busy?: (userId: string) => boolean;
  /** When each instance was first seen ready (by an earlier sweep). */
  readonly readySince: ReadonlyMap<string, number>;
}

export interface IdleDecision {
  readonly stop: readonly { readonly userId: string; readonly idleMs: number }[];
  /** readySince for the next sweep: ready instances only. */
  readonly readySince: Map<string, number>;
}

/** Pure: which ready instances have been idle long enough. */
export function decideIdleStops(instances: readonly Pick<Instance, 'userId' | 'ready'>[], input: IdleDecisionInput): IdleDecision {
  const readySince = new Map<string, number>();
  const stop: { userId: string; idleMs: number }[] = [];
  for (const { userId, ready } of instances) {
    if (!ready) continue;
    const since = input.readySince.get(userId) ?? input.now;
    readySince.set(userId, since);
    const last = input.busy?.(userId) === true ? input.now : input.lastActivity(userId);
    const idleMs = input.now - Math.max(since, last ?? Number.NEGATIVE_INFINITY);
    if (idleMs >= input.idleAfterMs) stop.push({ userId, idleMs });
  }
  return { stop, readySince };
}

/** A quarter of the timeout, between 250 ms and 60 s: an instance is stopped at most 25% late. */
export function sweepIntervalMs(idleAfterMs: number): number {
  return Math.min(60_000, Math.max(250, Math.floor(idleAfterMs / 4)));
}

export interface IdleStopperOptions {
  readonly runtime: Pick<InstanceRuntime, 'list'>;
  /** Stops one instance (the same path as POST .../stop). */
  readonly stop: (userId: string) => Promise<unknown>;
  readonly lastActivity: (userId: string) => number | undefined;
  /** In use right now (default: never). */
  readonly busy?: (userId: string) => boolean;
  readonly idleAfterMs: number;
  readonly logger: Logger;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
  /** Default: sweepIntervalMs(idleAfterMs). */
  readonly intervalMs?: number;
}

export class IdleStopper {
  private readySince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<string[]> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: IdleStopperOptions) {
    this.now = options.now ?? Date.now;
  }

  get intervalMs(): number {
    return this.options.intervalMs ?? sweepIntervalMs(this.options.idleAfterMs);
  }

  /** Sweeps every intervalMs until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep: stops the idle instances; resolves with their user ids. Overlapping calls share one sweep. */
  sweep(): Promise<string[]> {
    this.sweeping ??= this.run().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async run(): Promise<string[]> {
    const { logger, idleAfterMs } = this.options;
    let instances: Instance[];
    try {
      instances = await this.options.runtime.list();
    } catch (err) {
      logger.warn({ err }, 'idle stop: cannot list instances; next sweep retries');
      return [];
    }
    const decision = decideIdleStops(instances, {
      now: this.now(), idleAfterMs, lastActivity: this.options.lastActivity, readySince: this.readySince,
      ...(this.options.busy ? { busy: this.options.busy } : {}),
    });
    this.readySince = decision.readySince;
    const stopped: string[] = [];
    for (const { userId, idleMs } of decision.stop) {
      try {
        await this.options.stop(userId);
        this.readySince.delete(userId);
        stopped.push(userId);
        logger.info({ userId, idleMs, idleStopAfter: formatDuration(idleAfterMs) }, 'instance stopped after being idle');
      } catch (err) {
        // Another operation (a delete, an upgrade) holds it: it is not idle in the sense that matters.
        if (err instanceof OperationInProgress) continue;
        logger.warn({ err, userId }, 'idle stop failed; next sweep retries');
      }
    }
    return stopped;
  }
}

// Watching upgraded canaries for a while before the rest of a fleet follows: each must stay ready,
// not restart, and answer its gateway's health RPC at every check. A restart or a readiness flap
// between two checks shows as a higher restart count or a not-ready instance.
import { setTimeout as delay } from 'node:timers/promises';
import { publicMessage } from '../errors/http-error.js';
import type { Instance, InstanceRuntime } from '../runtime/instance-runtime.js';

export interface CanaryProbe {
  readonly runtime: Pick<InstanceRuntime, 'get'>;
  /** Throws when the instance's gateway does not answer its health RPC. */
  readonly health: (userId: string, signal: AbortSignal) => Promise<void>;
}

export interface SoakPlan extends CanaryProbe {
  readonly userIds: readonly string[];
  readonly soakMs: number;
  readonly checkEveryMs: number;
  /** Ends the soak early (no verdict). */
  readonly signal: AbortSignal;
}

export interface SickCanary {
  readonly userId: string;
  readonly reason: string;
}

function restartsOf(instance: Instance): number {
  const restarts = instance.runtime.restarts;
  return typeof restarts === 'number' ? restarts : 0;
}

/** Why the canary is not healthy now, or undefined when it is. */
async function diagnose(probe: CanaryProbe, userId: string, restartsAtStart: number, signal: AbortSignal): Promise<string | undefined> {
  let instance: Instance;
  try {
    instance = await probe.runtime.get(userId);
  } catch (err) {
    return publicMessage(err);
  }
  if (!instance.ready) return `not ready (${instance.phase}: ${instance.message})`;
  const restarts = restartsOf(instance);
  if (restarts > restartsAtStart) return `restarted ${restarts - restartsAtStart} time(s)`;
  try {
    await probe.health(userId, signal);
  } catch (err) {
    return `health RPC failed: ${publicMessage(err)}`;
  }
  return undefined;
}

/**
 * Checks every canary now and every `checkEveryMs` until `soakMs` has passed (at least once, and
 * once more at the end); the first one found unhealthy, or undefined when all held up.
 */
export async function soakCanaries(plan: SoakPlan): Promise<SickCanary | undefined> {
  const restartsAtStart = new Map<string, number>();
  for (const userId of plan.userIds) {
    const instance = await plan.runtime.get(userId).catch(() => undefined);
    restartsAtStart.set(userId, instance ? restartsOf(instance) : 0);
  }
  const endsAt = Date.now() + plan.soakMs;
  for (;;) {
    for (const userId of plan.userIds) {
      if (plan.signal.aborted) return undefined;
      const reason = await diagnose(plan, userId, restartsAtStart.get(userId) ?? 0, plan.signal);
      if (reason !== undefined) return { userId, reason };
    }
    const left = endsAt - Date.now();
    if (left <= 0 || plan.signal.aborted) return undefined;
    await delay(Math.min(plan.checkEveryMs, left), undefined, { signal: plan.signal }).catch(() => undefined);
  }
}

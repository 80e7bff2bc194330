// Watching upgraded canaries for a while before the rest of a fleet follows: each must stay ready,
// not restart, and answer its gateway's health RPC at every check. A restart or a readiness flap
// between two checks shows as a higher restart count or a not-ready instance. The soak counts from
// each canary's first health answer: a pod is ready a moment before its Service routes to it
// (EndpointSlice, then kube-proxy), so a call in that gap is refused without anything being wrong.
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
  /** How long a ready canary may take to answer its first health RPC. */
  readonly firstAnswerMs: number;
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

/** What is wrong with a canary now: its state (final), or only its health RPC. */
type Finding = { readonly state: string } | { readonly health: string } | undefined;

async function diagnose(probe: CanaryProbe, userId: string, restartsAtStart: number, signal: AbortSignal): Promise<Finding> {
  let instance: Instance;
  try {
    instance = await probe.runtime.get(userId);
  } catch (err) {
    return { state: publicMessage(err) };
  }
  if (!instance.ready) return { state: `not ready (${instance.phase}: ${instance.message})` };
  const restarts = restartsOf(instance);
  if (restarts > restartsAtStart) return { state: `restarted ${restarts - restartsAtStart} time(s)` };
  try {
    await probe.health(userId, signal);
  } catch (err) {
    return { health: `health RPC failed: ${publicMessage(err)}` };
  }
  return undefined;
}

function reasonOf(finding: NonNullable<Finding>): string {
  return 'state' in finding ? finding.state : finding.health;
}

const FIRST_ANSWER_POLL_MS = 1000;

/** Waits for the canary's first health answer; why it is sick when it fails otherwise or never answers. */
async function firstAnswer(plan: SoakPlan, userId: string, restartsAtStart: number): Promise<string | undefined> {
  const deadline = Date.now() + plan.firstAnswerMs;
  for (;;) {
    const finding = await diagnose(plan, userId, restartsAtStart, plan.signal);
    if (finding === undefined || plan.signal.aborted) return undefined;
    if ('state' in finding) return finding.state;
    if (Date.now() >= deadline) return `no health answer within ${Math.round(plan.firstAnswerMs / 1000)} s of being ready (${finding.health})`;
    await delay(FIRST_ANSWER_POLL_MS, undefined, { signal: plan.signal }).catch(() => undefined);
  }
}

/**
 * Waits for every canary's first health answer, then checks them all every `checkEveryMs` until
 * `soakMs` has passed (once more at the end); the first one found unhealthy, or undefined when all
 * held up.
 */
export async function soakCanaries(plan: SoakPlan): Promise<SickCanary | undefined> {
  const restartsAtStart = new Map<string, number>();
  for (const userId of plan.userIds) {
    const instance = await plan.runtime.get(userId).catch(() => undefined);
    restartsAtStart.set(userId, instance ? restartsOf(instance) : 0);
  }
  for (const userId of plan.userIds) {
    const reason = await firstAnswer(plan, userId, restartsAtStart.get(userId) ?? 0);
    if (reason !== undefined) return { userId, reason };
  }
  const endsAt = Date.now() + plan.soakMs;
  for (;;) {
    for (const userId of plan.userIds) {
      if (plan.signal.aborted) return undefined;
      const finding = await diagnose(plan, userId, restartsAtStart.get(userId) ?? 0, plan.signal);
      if (finding !== undefined) return { userId, reason: reasonOf(finding) };
    }
    const left = endsAt - Date.now();
    if (left <= 0 || plan.signal.aborted) return undefined;
    await delay(Math.min(plan.checkEveryMs, left), undefined, { signal: plan.signal }).catch(() => undefined);
  }
}

// Pure: how far a local instance's start has come: the process started, the stages its entrypoint
// and gateway printed (launch-stages.ts), /healthz when nothing was read, then /readyz (ready). A
// process that died is a failure (the runtime restarts it with backoff; a new progress stream
// follows that restart).
import type { InstancePhase, StartProgress } from '../instance-runtime.js';
import type { LaunchStage } from './launch-stages.js';

export const LOCAL_STEPS = {
  launching: 5,
  processStarted: 8,
  healthy: 55,
} as const;

export interface LocalProgressInput {
  readonly phase: InstancePhase;
  readonly ready: boolean;
  readonly message: string;
  /** The gateway answers /healthz (it may still refuse connections until /readyz). */
  readonly healthy: boolean;
  /** The furthest stage the instance's output shows since its launch. */
  readonly stage?: LaunchStage;
}

/** @example localStartProgress({ phase: 'Starting', ready: false, message: '', healthy: true }).progress // 55 */
export function localStartProgress(input: LocalProgressInput): StartProgress {
  if (input.ready) return { progress: 100, message: 'gateway ready', ready: true, failed: false };
  switch (input.phase) {
    case 'Stopped':
      return { progress: 0, message: 'stopped; waiting for a start', ready: false, failed: false };
    case 'Failed':
    case 'Deleting':
      return { progress: 0, message: input.message, ready: false, failed: true };
    case 'Pending':
      return { progress: LOCAL_STEPS.launching, message: input.message, ready: false, failed: false };
    default: {
      const seen: LaunchStage[] = [{ progress: LOCAL_STEPS.processStarted, message: 'process started; waiting for the gateway' }];
      if (input.healthy) seen.push({ progress: LOCAL_STEPS.healthy, message: 'gateway answers /healthz; waiting for /readyz' });
      if (input.stage) seen.push(input.stage);
      const furthest = seen.reduce((a, b) => (b.progress > a.progress ? b : a));
      return { ...furthest, ready: false, failed: false };
    }
  }
}

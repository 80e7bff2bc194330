// Whether an instance can take traffic (RPC, WhatsApp, VNC) right now, as the error to answer when
// it cannot: 409 when it was stopped on purpose (retrying will not help until someone starts it),
// 503 with Retry-After while it is on its way.
import type { Instance } from './instance-runtime.js';
import { InstanceNotReady, InstanceStopped } from './runtime-errors.js';

/** Throws InstanceStopped or InstanceNotReady unless the instance is ready. */
export function assertServing(instance: Instance): void {
  if (instance.phase === 'Stopped') throw new InstanceStopped(instance.userId);
  if (!instance.ready) throw new InstanceNotReady(instance.userId, instance.phase);
}

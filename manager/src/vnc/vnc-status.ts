// What instance status says about the screen: how many viewers are connected and when anything last
// happened on it (null: nothing since this manager started). An idle-stop can read the same.
import type { Instance } from '../runtime/instance-runtime.js';
import type { VncServices } from './vnc-services.js';

export interface VncStatus {
  readonly viewers: number;
  /** ISO 8601, or null when there was no VNC activity since the manager started. */
  readonly lastActivity: string | null;
}

export function vncStatus(vnc: VncServices, userId: string): VncStatus {
  return { viewers: vnc.sessions.count(userId), lastActivity: vnc.activity.lastActivity(userId)?.toISOString() ?? null };
}

/** `instance` with its `vnc` status added. */
export function withVncStatus(instance: Instance, vnc: VncServices): Instance & { readonly vnc: VncStatus } {
  return { ...instance, vnc: vncStatus(vnc, instance.userId) };
}

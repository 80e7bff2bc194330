// Pure: whether a data claim the chart just made from a backup has its volume, and if not, why.
import type { CoreV1Event, V1PersistentVolumeClaim } from '@kubernetes/client-node';

export type RestoredClaimState = { readonly done: true } | { readonly done: false; readonly why: string };

/**
 * Done once the claim is Bound, or once its binding waits for the first pod that uses it
 * (WaitForFirstConsumer, e.g. GKE's standard-rwo): the stopped instance's volume is then made from
 * the snapshot when it starts. Otherwise why not, from the newest warning among the claim's `events`.
 */
export function restoredClaimState(claim: V1PersistentVolumeClaim | undefined, events: readonly CoreV1Event[]): RestoredClaimState {
  if (claim === undefined) return { done: false, why: 'the claim has not been made yet' };
  if (claim.status?.phase === 'Bound') return { done: true };
  if (events.some((e) => e.reason === 'WaitForFirstConsumer')) return { done: true };
  const warning = [...events].filter((e) => e.type === 'Warning').sort((a, b) => eventTime(b) - eventTime(a))[0];
  if (warning) return { done: false, why: `${warning.reason ?? 'Warning'}: ${warning.message ?? ''}`.trim() };
  return { done: false, why: `the claim is ${claim.status?.phase ?? 'Pending'}` };
}

function eventTime(event: CoreV1Event): number {
  return new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp ?? 0).getTime();
}

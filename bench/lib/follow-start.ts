// Time to ready as a client of the manager sees it: the request (a create or a start), then the
// instance's progress stream until its ready event; with the longest silence in between.
import type { StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { openSse } from '../../test/support/sse-client.js';

export interface FollowedStart {
  readonly ms: number;
  /** The longest time between two events, or between the request and the first one. */
  readonly longestGapMs: number;
  readonly events: number;
}

/** Sends `request`, then follows GET <managerUrl>/api/instances/<userId>/progress until ready. */
export async function followStart(
  managerUrl: string, apiKey: string, userId: string, request: () => Promise<{ status: number; text: string }>,
): Promise<FollowedStart> {
  const started = Date.now();
  const answer = await request();
  if (answer.status >= 300) throw new Error(`${userId}: answered ${answer.status}: ${answer.text}`);
  const stream = await openSse<StartProgress>(`${managerUrl}/api/instances/${userId}/progress`, apiKey);
  try {
    if (stream.status !== 200) throw new Error(`${userId}: the progress stream answered ${stream.status}`);
    const last = await stream.until((e) => e.ready || e.failed);
    if (!last.ready) throw new Error(`${userId}: ${last.message}`);
    const times = [started, ...stream.receivedAt];
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    return { ms: (stream.receivedAt.at(-1) as number) - started, longestGapMs: Math.max(...gaps), events: stream.events.length };
  } finally {
    stream.close();
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

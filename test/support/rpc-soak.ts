// An RPC soak through a manager process: `health` on one instance at a fixed rate for a while, with
// the manager's RSS sampled along the way. Shared by the soak test (short) and bench/rpc-soak.ts.
import { rssBytes } from './gateway-instance.js';
import { runFixedRateLoad, type FixedRateLoadResult } from './fixed-rate-load.js';

export interface SoakOptions {
  readonly managerUrl: string;
  readonly managerPid: number;
  readonly apiKey: string;
  readonly userId: string;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** When to sample the manager's RSS, in ms from the start (default: every 5 s). */
  readonly rssAtMs?: readonly number[];
}

export interface SoakResult extends FixedRateLoadResult {
  /** [ms from start, RSS bytes] */
  readonly rss: readonly (readonly [number, number])[];
}

export async function soakRpc(options: SoakOptions): Promise<SoakResult> {
  const rss: [number, number][] = [];
  const at = options.rssAtMs ?? Array.from({ length: Math.floor(options.durationMs / 5000) }, (_, i) => (i + 1) * 5000);
  const started = Date.now();
  const timers = at.map((ms) => setTimeout(() => rss.push([Date.now() - started, rssBytes(options.managerPid)]), ms));
  try {
    const result = await runFixedRateLoad({
      baseUrl: options.managerUrl,
      method: 'POST',
      path: `/api/instances/${options.userId}/rpc`,
      body: { method: 'health' },
      headers: { Authorization: `Bearer ${options.apiKey}` },
      ratePerSecond: options.ratePerSecond,
      durationMs: options.durationMs,
    });
    rss.push([Date.now() - started, rssBytes(options.managerPid)]);
    return { ...result, rss };
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

// 60 s of `health` RPCs at a fixed 50/s through the manager (its own process, local runtime) to a
// real gateway: errors, latency, and the manager's RSS over time; the baseline is its RSS at 10 s.
// Targets: zero errors; RSS at the end within 10% of RSS at 10 s.
// Run: npx tsx bench/rpc-soak.ts [seconds, default 60] [rate per second, default 50]
import { setTimeout as sleep } from 'node:timers/promises';
import { soakRpc } from '../test/support/rpc-soak.js';
import { startLocalInstance } from './lib/local-instance.js';
import { machine, mib, ms, percentile, verdict } from './lib/stats.js';

const seconds = Number(process.argv[2] ?? 60);
const rate = Number(process.argv[3] ?? 50);

const bench = await startLocalInstance('soak');
try {
  await sleep(10_000);
  const rssAtMs = Array.from({ length: Math.floor(seconds / 5) }, (_, i) => (i + 1) * 5000);
  const result = await soakRpc({
    managerUrl: bench.manager.url, managerPid: bench.manager.pid, apiKey: bench.apiKey, userId: bench.userId,
    ratePerSecond: rate, durationMs: seconds * 1000, rssAtMs,
  });
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  const at = (s: number): number => result.rss.find(([t]) => t >= s * 1000 - 1000)?.[1] ?? Number.NaN;
  const base = at(10);
  const end = result.rss.at(-1)?.[1] ?? Number.NaN;
  const growth = end / base;
  console.log(`machine: ${await machine()}`);
  console.log(`${result.sent} health RPCs at ${rate}/s over ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.ok} ok, ${errors} errors ${errors ? JSON.stringify(result.errors) : ''}`);
  for (const sample of result.samples) console.log(`  ${sample}`);
  console.log(`latency p50 ${ms(percentile(result.latencies, 50))}, p99 ${ms(percentile(result.latencies, 99))}, max ${ms(Math.max(...result.latencies))}`);
  console.log(`manager RSS: ${result.rss.map(([t, b]) => `${Math.round(t / 1000)}s ${mib(b)}`).join(', ')}`);
  console.log(`manager RSS at the end / at 10 s (baseline): ${mib(end)} / ${mib(base)} = ${growth.toFixed(3)}`);
  console.log(`errors target (0): ${verdict(errors === 0)}`);
  console.log(`memory target (<= 1.10x): ${verdict(growth <= 1.1)}`);
} finally {
  await bench.close();
}

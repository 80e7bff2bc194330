// One real instance (browser on), measured in one run: start time (spawn to first authenticated
// connect, cold = a fresh state dir, warm = restart on the same state), the
// RSS of every process of the instance, and `health` round trips on a pooled connection against a
// new connection per call (the ratio is the number to watch).
// Run: npx tsx bench/gateway-rpc.ts [calls=200]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type GatewayInstance, rssBytes, startInstance } from '../test/support/gateway-instance.js';
import { freshHealth, pooledHealth } from './lib/gateway-calls.js';
import { ms, percentile } from './lib/stats.js';

const calls = Number(process.argv[2] ?? 200);

const stateDir = mkdtempSync(path.join(tmpdir(), 'openclaw-bench-'));
let instance: GatewayInstance | undefined;
try {
  instance = await startInstance({ browser: true, stateDir });
  const coldMs = instance.startMs;
  // Let start-up work (plugin loading, Chromium's first page) settle before measuring memory.
  await sleep(15_000);
  const processes = instance.processes();
  const rss = processes.reduce((sum, pid) => sum + rssBytes(pid), 0);
  const byName = new Map<string, number>();
  for (const pid of processes) {
    let name = '?';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // exited meanwhile
    }
    byName.set(name, (byName.get(name) ?? 0) + rssBytes(pid));
  }
  const breakdown = [...byName].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(0)}`).join(', ');

  const target = { url: instance.gatewayUrl, token: instance.token };
  const reused = await pooledHealth(target, calls);
  const perCall = await freshHealth(target, Math.min(calls, 100));
  const ports = instance.ports;
  await instance.stop();
  instance = await startInstance({ browser: true, stateDir, ports });
  const warmMs = instance.startMs;

  const p50Pooled = percentile(reused, 50);
  const p50Fresh = percentile(perCall, 50);
  console.log(`gateway start, cold (fresh state dir):            ${(coldMs / 1000).toFixed(1)} s`);
  console.log(`gateway start, warm (same state):                   ${(warmMs / 1000).toFixed(1)} s`);
  console.log(`instance RSS (browser on, ${processes.length} processes):        ${(rss / 2 ** 20).toFixed(0)} MiB (${breakdown})`);
  console.log(`health p50, pooled connection (${reused.length} calls):      ${ms(p50Pooled)} (p90 ${ms(percentile(reused, 90))})`);
  console.log(`health p50, new connection per call (${perCall.length} calls): ${ms(p50Fresh)} (p90 ${ms(percentile(perCall, 90))})`);
  console.log(`ratio new/pooled:                                   ${(p50Fresh / p50Pooled).toFixed(1)}x`);
} finally {
  await instance?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

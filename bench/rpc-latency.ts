// `health` through the manager (POST /api/instances/:id/rpc over HTTP keep-alive, the manager as
// `npm start` runs it, local runtime) against straight to the same gateway on a pooled connection
// (the baseline) and on a new connection per call, and through a bare proxy (bench/lib/bare-proxy.ts:
// the floor any Node proxy hop pays here). Latency: sequential calls, the paths interleaved in
// rounds. Throughput: 50 calls in flight for a fixed time, manager and bare proxy vs pooled. The
// manager (and the bare proxy) get a core of their own where there are two or more (bench/lib/cores.ts).
// Targets: the manager adds <= 0.3 ms at p50 and keeps >= 90% of the direct throughput.
// Run: npx tsx bench/rpc-latency.ts [calls per path, default 1000] [throughput seconds, default 10]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { freePort } from '../test/support/gateway-instance.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayPool } from '../manager/src/gateway/gateway-pool.js';
import { freshHealth, pooledHealth } from './lib/gateway-calls.js';
import { isolateManager } from './lib/cores.js';
import { startLocalInstance } from './lib/local-instance.js';
import { machine, ms, percentile, timed, verdict } from './lib/stats.js';

const calls = Number(process.argv[2] ?? 1000);
const throughputSeconds = Number(process.argv[3] ?? 10);
const ROUNDS = 5;
const IN_FLIGHT = 50;
const WARM_UP_CALLS = 3000;

/** POSTs {"method":"health"} to `url` over keep-alive; resolves on a 200. */
function httpCaller(url: URL, apiKey?: string): () => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const body = JSON.stringify({ method: 'health' });
  const headers = { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), 'Content-Type': 'application/json', 'Content-Length': String(body.length) };
  return () =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url.host} answered ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** CPU time (user + system) `pid` has used so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Calls per second with `inFlight` concurrent callers for `seconds`. */
async function throughput(call: () => Promise<unknown>, seconds: number, inFlight: number): Promise<number> {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < deadline) {
      await call();
      done += 1;
    }
  }));
  return done / ((performance.now() - started) / 1000);
}

const bench = await startLocalInstance();
const proxyPort = await freePort();
const bareProxy = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'lib/bare-proxy.ts'), String(proxyPort), bench.target.url, bench.target.token], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  await once(bareProxy.stdout as NodeJS.ReadableStream, 'data');
  await sleep(10_000); // let the instance's start-up work settle
  const cores = isolateManager(bench.manager.pid, [bareProxy.pid as number]);
  const viaManager = httpCaller(new URL(`/api/instances/${bench.userId}/rpc`, bench.manager.url), bench.apiKey);
  const viaBareProxy = httpCaller(new URL(`http://127.0.0.1:${proxyPort}/`));
  // The manager's CPU per call falls from about 1 ms to about 0.55 ms over its first ~3,000 calls as
  // V8 optimises the path; measure it warm, as a serving manager is, and the direct path alike.
  for (let i = 0; i < WARM_UP_CALLS; i++) await viaManager();
  for (let i = 0; i < WARM_UP_CALLS; i++) await viaBareProxy();
  await pooledHealth(bench.target, WARM_UP_CALLS);
  const manager: number[] = [];
  const pooled: number[] = [];
  const fresh: number[] = [];
  const bare: number[] = [];
  const perRound = Math.ceil(calls / ROUNDS);
  let managerCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const cpuBefore = cpuMs(bench.manager.pid);
    for (let i = 0; i < perRound; i++) manager.push(await timed(viaManager));
    managerCpu += cpuMs(bench.manager.pid) - cpuBefore;
    for (let i = 0; i < perRound; i++) bare.push(await timed(viaBareProxy));
    pooled.push(...(await pooledHealth(bench.target, perRound)));
    fresh.push(...(await freshHealth(bench.target, Math.ceil(perRound / 5))));
  }

  const pool = new GatewayPool();
  const direct = (): Promise<unknown> => pool.call('bench', bench.target, 'health');
  await direct();
  const directRates: number[] = [];
  const managerRates: number[] = [];
  const bareRates: number[] = [];
  for (let round = 0; round < 2; round++) {
    directRates.push(await throughput(direct, throughputSeconds / 2, IN_FLIGHT));
    managerRates.push(await throughput(viaManager, throughputSeconds / 2, IN_FLIGHT));
    bareRates.push(await throughput(viaBareProxy, throughputSeconds / 2, IN_FLIGHT));
  }
  await pool.closeAll();
  const directRate = directRates.reduce((a, b) => a + b, 0) / directRates.length;
  const managerRate = managerRates.reduce((a, b) => a + b, 0) / managerRates.length;
  const bareRate = bareRates.reduce((a, b) => a + b, 0) / bareRates.length;
  const bareAdded = percentile(bare, 50) - percentile(pooled, 50);

  const added = percentile(manager, 50) - percentile(pooled, 50);
  const added99 = percentile(manager, 99) - percentile(pooled, 99);
  const kept = managerRate / directRate;
  console.log(`machine: ${await machine()}`);
  console.log(`cores: ${cores}`);
  console.log(`health latency, ${manager.length} calls per path (p50 / p99):`);
  console.log(`  through the manager (HTTP keep-alive): ${ms(percentile(manager, 50))} / ${ms(percentile(manager, 99))}`);
  console.log(`  direct, pooled connection (baseline):  ${ms(percentile(pooled, 50))} / ${ms(percentile(pooled, 99))}`);
  console.log(`  direct, new connection per call (${fresh.length}): ${ms(percentile(fresh, 50))} / ${ms(percentile(fresh, 99))}`);
  console.log(`  through the bare proxy (the floor of a hop): ${ms(percentile(bare, 50))} / ${ms(percentile(bare, 99))}, adds ${ms(bareAdded)} at p50`);
  console.log(`  manager adds ${ms(added)} at p50 (${(percentile(manager, 50) / percentile(pooled, 50)).toFixed(2)}x the baseline), ${ms(added99)} at p99; new connection = ${(percentile(fresh, 50) / percentile(pooled, 50)).toFixed(1)}x`);
  console.log(`  the manager process used ${((managerCpu / manager.length) * 1000).toFixed(0)} µs of CPU per call`);
  console.log(`health throughput, ${IN_FLIGHT} in flight, ${throughputSeconds} s each:`);
  console.log(`  direct, pooled: ${directRate.toFixed(0)}/s; through the manager: ${managerRate.toFixed(0)}/s (${(kept * 100).toFixed(0)}% of direct); bare proxy: ${bareRate.toFixed(0)}/s (${((bareRate / directRate) * 100).toFixed(0)}%)`);
  console.log(`  the manager adds ${ms(added - bareAdded)} at p50 over the bare proxy`);
  console.log(`latency target (<= 0.3 ms added at p50): ${verdict(added <= 0.3)}`);
  console.log(`throughput target (>= 90% of direct): ${verdict(kept >= 0.9)}`);
} finally {
  bareProxy.kill();
  await bench.close();
}

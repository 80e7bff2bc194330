// Listing 1,000 instances: GET /api/instances through the manager (its own process, helm runtime,
// answered from its watch cache) against `helm list` of the same releases on the same cluster (the
// baseline), measured in alternating rounds. The releases are real: installed with helm, the
// post-renderer and the manager's own arguments, on a control plane of the benchmark's own.
// Targets: p50 <= 50 ms, and >= 20x faster than helm list.
// Run: npx tsx bench/list-scale.ts [instances, default 1000] [GETs per round, default 20]
import { HELM_MANAGER_KEY, helmManagerEnv } from '../test/support/helm-manager.js';
import { runHelm } from '../test/support/helm.js';
import { requestJson } from '../test/support/manager-http.js';
import { startManagerProcess, type ManagerProcess } from '../test/support/manager-process.js';
import { installReleases, startScaleCluster, userIds } from './lib/scale-cluster.js';
import { machine, ms, percentile, timed, verdict } from './lib/stats.js';

const count = Number(process.argv[2] ?? 1000);
const getsPerRound = Number(process.argv[3] ?? 20);
const ROUNDS = 5;
const NAMESPACE = 'openclaw';

const scale = await startScaleCluster(count);
let manager: ManagerProcess | undefined;
try {
  const install = await installReleases(scale, NAMESPACE, userIds(count));
  if (install.installed > 0) console.log(`installed ${install.installed} releases in ${install.seconds.toFixed(0)} s (${(install.seconds / install.installed).toFixed(2)} s each, 4 at a time)`);
  const env = { ...helmManagerEnv(scale.plugins, { namespace: NAMESPACE, kubeconfig: scale.kubeconfig }), OPENCLAW_LOG_LEVEL: 'warn' };
  manager = await startManagerProcess({ env, capture: false });
  const url = manager.url;
  const key = HELM_MANAGER_KEY;
  const list = (): Promise<number> => requestJson(url, 'GET', '/api/instances', { key }).then((res) => (res.body as { instances: unknown[] }).instances.length);
  for (let seen = 0; seen < count; seen = await list()) await new Promise((r) => setTimeout(r, 1000));
  const sample = await requestJson(url, 'GET', '/api/instances', { key });
  for (let i = 0; i < 10; i++) await list();

  const viaManager: number[] = [];
  const viaHelm: number[] = [];
  let helmCount = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < getsPerRound; i++) viaManager.push(await timed(list));
    viaHelm.push(await timed(async () => {
      const res = await runHelm(['list', '--namespace', NAMESPACE, '--max', '0', '--output', 'json'], { env: scale.helmEnv });
      if (res.exitCode !== 0) throw new Error(res.stderr);
      helmCount = (JSON.parse(res.stdout) as unknown[]).length;
    }));
  }
  const p50Manager = percentile(viaManager, 50);
  const p50Helm = percentile(viaHelm, 50);
  console.log(`machine: ${await machine()}`);
  console.log(`GET /api/instances, ${count} instances (${(sample.text.length / 1024).toFixed(0)} KiB answer), ${viaManager.length} calls: p50 ${ms(p50Manager)}, p99 ${ms(percentile(viaManager, 99))}`);
  console.log(`helm list --max 0 -o json, ${helmCount} releases (baseline), ${viaHelm.length} runs: p50 ${ms(p50Helm)}`);
  console.log(`manager is ${(p50Helm / p50Manager).toFixed(0)}x faster than helm list`);
  console.log(`latency target (p50 <= 50 ms): ${verdict(p50Manager <= 50)}`);
  console.log(`speed-up target (>= 20x helm list): ${verdict(p50Helm / p50Manager >= 20)}`);
} finally {
  await manager?.stop();
  await scale.close();
}

// The manager's memory while it watches 1,000 instances, against the same manager build watching a
// namespace with none (the baseline), both running side by side on the same cluster in the same
// run. The instances are real Helm releases (see lib/scale-cluster.ts).
// Target: with 1,000 instances the manager stays within its Deployment's memory request (512 MiB).
// Run: npx tsx bench/manager-memory.ts [instances, default 1000]
import { rssBytes } from '../test/support/gateway-instance.js';
import { HELM_MANAGER_KEY, helmManagerEnv } from '../test/support/helm-manager.js';
import { requestJson } from '../test/support/manager-http.js';
import { startManagerProcess, type ManagerProcess } from '../test/support/manager-process.js';
import { ensureNamespace, installReleases, startScaleCluster, userIds } from './lib/scale-cluster.js';
import { machine, median, mib, verdict } from './lib/stats.js';

const count = Number(process.argv[2] ?? 1000);
const REQUEST_BYTES = 512 * 2 ** 20;

const scale = await startScaleCluster(count);
const managers: ManagerProcess[] = [];
try {
  await ensureNamespace(scale, 'empty');
  const install = await installReleases(scale, 'openclaw', userIds(count));
  if (install.installed > 0) console.log(`installed ${install.installed} releases in ${install.seconds.toFixed(0)} s`);
  const start = async (namespace: string): Promise<ManagerProcess> => {
    const manager = await startManagerProcess({ env: { ...helmManagerEnv(scale.plugins, { namespace, kubeconfig: scale.kubeconfig }), OPENCLAW_LOG_LEVEL: 'warn' }, capture: false });
    managers.push(manager);
    return manager;
  };
  const [empty, loaded] = [await start('empty'), await start('openclaw')];
  const list = async (m: ManagerProcess): Promise<number> =>
    ((await requestJson(m.url, 'GET', '/api/instances', { key: HELM_MANAGER_KEY })).body as { instances: unknown[] }).instances.length;
  for (let seen = 0; seen < count; seen = await list(loaded)) await new Promise((r) => setTimeout(r, 1000));
  // Serve some lists, so both hold what answering costs, then let them settle.
  for (let i = 0; i < 20; i++) await Promise.all([list(empty), list(loaded)]);
  await new Promise((r) => setTimeout(r, 15_000));
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < 10; i++) {
    samples[0].push(rssBytes(empty.pid));
    samples[1].push(rssBytes(loaded.pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const base = median(samples[0]);
  const full = median(samples[1]);
  console.log(`machine: ${await machine()}`);
  console.log(`manager RSS watching 0 instances (baseline): ${mib(base)}`);
  console.log(`manager RSS watching ${count} instances:        ${mib(full)} (${(full / base).toFixed(2)}x the baseline; ${((full - base) / count / 1024).toFixed(0)} KiB per instance)`);
  console.log(`memory target (<= 512 MiB, the manager's request): ${verdict(full <= REQUEST_BYTES)}`);
} finally {
  for (const m of managers) await m.stop();
  await scale.close();
}

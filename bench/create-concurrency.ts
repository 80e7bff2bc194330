// Creating 50 instances at once through the manager (its own process, helm runtime, a control plane
// of the benchmark's own): wall time until every create answered and until every instance is
// Running, against 5 creates one after the other (the baseline: 50 x their mean is what serial
// creates would take). Then the post-renderer's share of a create: `helm template` of the chart
// with and without --post-renderer, alternating, same values.
// Run: npx tsx bench/create-concurrency.ts [instances, default 50] [template runs, default 20]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderValues } from '../manager/src/runtime/helm/render-values.js';
import { HELM_MANAGER_KEY, helmManagerEnv } from '../test/support/helm-manager.js';
import { runHelm } from '../test/support/helm.js';
import { requestJson } from '../test/support/manager-http.js';
import { startManagerProcess, type ManagerProcess } from '../test/support/manager-process.js';
import { ensureNamespace, startScaleCluster, userIds } from './lib/scale-cluster.js';
import { machine, median, ms, timed } from './lib/stats.js';

const count = Number(process.argv[2] ?? 50);
const templateRuns = Number(process.argv[3] ?? 20);
const namespace = `conc-${randomBytes(3).toString('hex')}`;

const scale = await startScaleCluster(count + 10);
let manager: ManagerProcess | undefined;
try {
  await ensureNamespace(scale, namespace);
  manager = await startManagerProcess({ env: { ...helmManagerEnv(scale.plugins, { namespace, kubeconfig: scale.kubeconfig }), OPENCLAW_LOG_LEVEL: 'warn' }, capture: false });
  const api = (method: string, p: string, body?: unknown): ReturnType<typeof requestJson> =>
    requestJson((manager as ManagerProcess).url, method, p, { key: HELM_MANAGER_KEY, ...(body !== undefined ? { body } : {}) });
  const create = async (userId: string): Promise<void> => {
    const res = await api('POST', '/api/instances', { userId });
    if (res.status !== 201 && res.status !== 202) throw new Error(`create ${userId}: ${res.status} ${res.text}`);
  };
  const allRunning = async (users: readonly string[]): Promise<void> => {
    for (;;) {
      const res = await api('GET', '/api/instances');
      const running = (res.body as { instances: { userId: string; phase: string }[] }).instances.filter((i) => users.includes(i.userId) && i.phase === 'Running');
      if (running.length === users.length) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const serialUsers = userIds(5, 's');
  const serial: number[] = [];
  for (const userId of serialUsers) serial.push(await timed(() => create(userId)));
  const users = userIds(count, 'c');
  const started = performance.now();
  await Promise.all(users.map(create));
  const answeredMs = performance.now() - started;
  await allRunning(users);
  const runningMs = performance.now() - started;
  await Promise.all([...serialUsers, ...users].map((u) => api('DELETE', `/api/instances/${u}?preservePvc=false`)));

  // The post-renderer's cost per render, on the same chart and values.
  const dir = mkdtempSync(path.join(tmpdir(), 'openclaw-bench-template-'));
  const values = path.join(dir, 'values.json');
  writeFileSync(values, JSON.stringify(renderValues({ userId: 'tpl', secrets: {} }, { imageRepository: 'r', imageTag: 't', ingressEnabled: false, gatewayApiEnabled: false, domainBase: 'openclaw.zazz.buzz' })));
  const template = (withRenderer: boolean) => async (): Promise<void> => {
    const args = ['template', 'tpl-openclaw', 'chart', '--namespace', namespace, '--values', values];
    if (withRenderer) args.push('--post-renderer', 'openclaw-postrender', '--post-renderer-args=--ingress-enabled=false');
    const res = await runHelm(args, { env: scale.helmEnv });
    if (res.exitCode !== 0) throw new Error(res.stderr);
  };
  const plain: number[] = [];
  const rendered: number[] = [];
  for (let i = 0; i < templateRuns; i++) {
    plain.push(await timed(template(false)));
    rendered.push(await timed(template(true)));
  }
  rmSync(dir, { recursive: true, force: true });

  const serialMean = serial.reduce((a, b) => a + b, 0) / serial.length;
  console.log(`machine: ${await machine()}`);
  console.log(`one create at a time (baseline, ${serial.length} creates): ${ms(serialMean)} each on average`);
  console.log(`${count} creates at once: all answered in ${(answeredMs / 1000).toFixed(1)} s (${(answeredMs / (count * serialMean)).toFixed(2)}x the ${((count * serialMean) / 1000).toFixed(1)} s ${count} serial creates would take), all Running after ${(runningMs / 1000).toFixed(1)} s`);
  console.log(`helm template, median of ${templateRuns}: ${ms(median(plain))} plain, ${ms(median(rendered))} with the post-renderer (${(median(rendered) / median(plain)).toFixed(2)}x; +${ms(median(rendered) - median(plain))} per create)`);
} finally {
  await manager?.stop();
  await scale.close();
}

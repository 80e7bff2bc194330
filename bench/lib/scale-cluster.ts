// A control plane of the benchmark's own, filled with real Helm releases installed exactly as the
// manager installs them (same arguments, values and post-renderer), so `helm list` and the manager
// see the same thing they would in production. Extra kwok nodes make room: one fake node takes 64
// pods at the chart's 500m CPU request. OPENCLAW_BENCH_CLUSTER_DIR keeps the cluster (and its
// releases) between runs; otherwise it is removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInstallArgs } from '../../manager/src/runtime/helm/helm-args.js';
import { postRendererFlags, renderValues } from '../../manager/src/runtime/helm/render-values.js';
import { USER_LABEL, releaseName } from '../../manager/src/names/object-names.js';
import { PLUGIN_DIRS, installPlugins, runHelm, type PluginHome } from '../../test/support/helm.js';
import { kubectl, kubectlRun } from '../../test/support/kube.js';
import { startThrowawayCluster, type ThrowawayCluster } from '../../test/support/throwaway-cluster.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PODS_PER_NODE = 64;

export interface ScaleCluster {
  readonly cluster: ThrowawayCluster;
  readonly kubeconfig: string;
  readonly plugins: PluginHome;
  /** helm's environment: the post-renderer plugin and this cluster. */
  readonly helmEnv: NodeJS.ProcessEnv;
  kubectl(args: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/** Builds the bundles, finds helm and kubectl, starts (or reuses) the cluster, adds fake nodes for `pods`. */
export async function startScaleCluster(pods: number): Promise<ScaleCluster> {
  execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  process.env.HELM_BIN ??= execFileSync('bash', ['scripts/install-helm'], { cwd: ROOT, encoding: 'utf8' }).trim();
  process.env.KUBECTL ??= execFileSync('bash', ['scripts/install-helm', '--kubectl'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const kept = process.env.OPENCLAW_BENCH_CLUSTER_DIR;
  const cluster = await startThrowawayCluster(kept ? { stateDir: kept } : {});
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
  const kc = (args: readonly string[]): Promise<string> => kubectl(args, { env });
  const node = readFileSync(path.join(ROOT, 'test/cluster/kwok-node.yaml'), 'utf8');
  const nodes = Array.from({ length: Math.ceil(pods / PODS_PER_NODE) }, (_, i) => node.replaceAll('kwok-node-0', `kwok-node-${i}`));
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], { env, input: nodes.join('\n---\n') });
  const plugins = await installPlugins([PLUGIN_DIRS.postrender]);
  return {
    cluster,
    kubeconfig: cluster.kubeconfig,
    plugins,
    helmEnv: { ...plugins.env, KUBECONFIG: cluster.kubeconfig },
    kubectl: kc,
    close: async () => {
      plugins.remove();
      if (!kept) await cluster.down();
    },
  };
}

/** Creates `namespace` unless it exists and waits for its default ServiceAccount. */
export async function ensureNamespace(c: ScaleCluster, namespace: string): Promise<void> {
  const env = { ...process.env, KUBECONFIG: c.kubeconfig };
  if ((await kubectlRun(['get', 'namespace', namespace], { env })).exitCode !== 0) await c.kubectl(['create', 'namespace', namespace]);
  for (let i = 0; i < 120; i++) {
    if ((await kubectlRun(['get', 'serviceaccount', 'default', '-n', namespace], { env })).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no default ServiceAccount in ${namespace}`);
}

/** Names of the releases in `namespace` with those states (all of them: helm list stops at 256 without --max 0). */
export async function releases(c: ScaleCluster, namespace: string, states: readonly string[] = ['--deployed']): Promise<Set<string>> {
  const listed = await runHelm(['list', '--namespace', namespace, '--max', '0', '--short', ...states], { env: c.helmEnv });
  if (listed.exitCode !== 0) throw new Error(`helm list failed: ${listed.stderr}`);
  return new Set(listed.stdout.split('\n').filter((l) => l !== ''));
}

/**
 * Installs a release per user that does not have one yet, `concurrency` helm processes at a time,
 * the way the manager does; returns the seconds it took and how many were installed.
 */
export async function installReleases(c: ScaleCluster, namespace: string, userIds: readonly string[], concurrency = 4): Promise<{ seconds: number; installed: number }> {
  await ensureNamespace(c, namespace);
  // An earlier run stopped mid-install leaves unfinished releases: remove them, then install afresh.
  for (const stale of await releases(c, namespace, ['--pending', '--failed'])) {
    await runHelm(['uninstall', stale, '--namespace', namespace, '--wait'], { env: c.helmEnv });
  }
  const have = await releases(c, namespace);
  const todo = userIds.filter((u) => !have.has(releaseName(u)));
  const dir = mkdtempSync(path.join(tmpdir(), 'openclaw-bench-values-'));
  const config = { imageRepository: 'us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke', imageTag: 'bench', ingressEnabled: false, gatewayApiEnabled: false, domainBase: 'openclaw.zazz.buzz' };
  const started = performance.now();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < todo.length; i = next++) {
      const userId = todo[i] as string;
      const valuesFile = path.join(dir, `${userId}.json`);
      writeFileSync(valuesFile, JSON.stringify(renderValues({ userId, secrets: {} }, config)));
      const args = buildInstallArgs({
        release: releaseName(userId), chartDir: path.join(ROOT, 'chart'), namespace, baseValuesFiles: [], valuesFile,
        postRenderer: 'openclaw-postrender', postRendererArgs: postRendererFlags(config), labels: { [USER_LABEL]: userId }, timeout: '5m',
      });
      let result = await runHelm(args, { env: c.helmEnv });
      // A rebuild of the plugin bundle (any test run does one) can make one render fail; it wrote nothing yet.
      for (let attempt = 1; result.exitCode !== 0 && /post render/.test(result.stderr) && attempt < 3; attempt++) result = await runHelm(args, { env: c.helmEnv });
      if (result.exitCode !== 0) throw new Error(`helm install ${userId} failed: ${result.stderr}`);
      done += 1;
      if (done % 100 === 0) process.stderr.write(`  installed ${done}/${todo.length} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seconds: (performance.now() - started) / 1000, installed: todo.length };
}

/** `count` user ids: u0000, u0001, ... */
export const userIds = (count: number, prefix = 'u'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

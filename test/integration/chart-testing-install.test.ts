// chart-testing's install on the test cluster's real node: for every chart/ci/*-values.yaml, ct
// creates a namespace, installs the chart through the post-renderer with --wait, waits for the
// rollout, runs `helm test` (the pod in chart/templates/tests asks the gateway for health through its
// Service, past both NetworkPolicies), then uninstalls and deletes the namespace. An instance that
// does not answer fails it: shown with a gateway that holds another token than its Secret.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ctWorkspace, runCt } from '../support/chart-testing.js';
import { PLUGIN_DIRS, REPO_ROOT, installPlugins, type PluginHome } from '../support/helm.js';
import { kubectl } from '../support/kube.js';
import { REAL_NODE_VALUES } from '../support/real-node.js';
import { stringify } from 'yaml';

const ciFiles = readdirSync(path.join(REPO_ROOT, 'chart/ci')).filter((f) => f.endsWith('-values.yaml')).sort();

let plugins: PluginHome;
beforeAll(async () => {
  plugins = await installPlugins([PLUGIN_DIRS.postrender]);
});
afterAll(() => plugins.remove());

/** ct install of the user chart in `cwd`, every ci values file in turn, on the real node with the local image. */
function ctInstall(cwd: string, buildId: string): ReturnType<typeof runCt> {
  const image = inject('instanceImage');
  const setArgs = [
    `--values=${path.join(REPO_ROOT, REAL_NODE_VALUES)}`,
    `--set=image.repository=${image.repository}`,
    `--set=image.tag=${image.tag}`,
    // Only installs and upgrades take these; the post-renderer allows what the ci values expose.
    '--post-renderer=openclaw-postrender',
    '--post-renderer-args=--ingress-enabled=true',
    '--post-renderer-args=--gateway-api-enabled=true',
  ];
  return runCt(cwd, ['install', '--charts', 'chart', '--build-id', buildId, '--helm-extra-set-args', setArgs.join(' ')], plugins.env);
}

async function namespacesOf(buildId: string): Promise<string[]> {
  const names = (await kubectl(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'])).split(/\s+/);
  return names.filter((n) => n.startsWith(`chart-${buildId}-`));
}

describe('ct install', () => {
  it(`installs, rolls out and passes helm test with each of ${ciFiles.join(', ')}, then cleans up`, async () => {
    const run = await ctInstall(REPO_ROOT, 'ct');
    expect(run.exitCode, run.output).toBe(0);
    for (const file of ciFiles) expect(run.output).toContain(`Installing chart with values file "chart/ci/${file}"`);
    // helm test reports both hooks, the test pod's NetworkPolicy and the pod, for each values file.
    expect(run.output.match(/TEST SUITE:\s+ci-[a-z-]+-openclaw-test\n.*\n.*\nPhase:\s+Succeeded/g) ?? [], run.output).toHaveLength(2 * ciFiles.length);
    expect(run.output).not.toMatch(/Phase:\s+Failed/);
    expect(run.output).toContain('All charts installed successfully');
    expect(await namespacesOf('ct')).toEqual([]);
  }, 45 * 60_000);

  it("fails when the instance does not answer helm test's client", async () => {
    // The gateway and the test pod both read the token from the release's Secret; a config token
    // (which the gateway prefers) makes the gateway refuse the Secret's, so only helm test can tell.
    const workspace = ctWorkspace();
    try {
      const ci = path.join(workspace.dir, 'chart/ci');
      rmSync(ci, { recursive: true });
      mkdirSync(ci);
      writeFileSync(path.join(ci, 'refusing-values.yaml'), stringify({
        userId: 'ci-refusing',
        browser: { enabled: false },
        config: { gateway: { auth: { token: 'a-token-the-test-pod-does-not-have-0123456789' } } },
      }));
      const run = await ctInstall(workspace.dir, 'ctrefused');
      expect(run.exitCode, run.output).not.toBe(0);
      expect(run.output).toContain('connect refused: unauthorized');
      expect(run.output).not.toContain('All charts installed successfully');
      expect(await namespacesOf('ctrefused')).toEqual([]);
    } finally {
      workspace.remove();
    }
  }, 15 * 60_000);
});

// The openclaw plugin through the real helm 4: `helm plugin install` accepts plugin.yaml into a
// private home, help comes out, and helm's global flags reach the plugin as environment.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';

describe('helm openclaw (real helm, private plugin home)', () => {
  let home: PluginHome;
  let scratch: string;
  beforeAll(async () => {
    home = await installPlugins([PLUGIN_DIRS.openclaw]);
    scratch = mkdtempSync(path.join(tmpdir(), 'openclaw-plugin-'));
  });
  afterAll(() => {
    home?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const helm = (args: string[], env: NodeJS.ProcessEnv = {}) => runHelm(args, { env: { ...home.env, ...env } });

  it('is installed as a cli/v1 plugin', async () => {
    const list = await helm(['plugin', 'list']);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^openclaw\s+0\.1\.0\s+cli\/v1/m);
  });

  it.each([
    { args: ['openclaw', '--help'], expected: ['helm openclaw <command> <userId> [options]', 'pair <userId>', 'vnc <userId>'] },
    { args: ['openclaw'], expected: ['helm openclaw <command> <userId> [options]'] },
    { args: ['openclaw', 'pair', '--help'], expected: ['helm openclaw pair <userId> [--force] [--timeout 3m] [options]', 'OPENCLAW_MANAGER_API_KEY'] },
    { args: ['openclaw', 'status', '--help'], expected: ['helm openclaw status <userId> [--json] [options]'] },
    { args: ['openclaw', 'rpc', '--help'], expected: ['helm openclaw rpc <userId> <method> [json-params]'] },
    { args: ['openclaw', 'vnc', '--help'], expected: ['/vnc.html'] },
    { args: ['openclaw', 'restore', '--help'], expected: ['helm openclaw restore <userId> <backupId> [--timeout 4m]', 'RESTORE_UNDO_FAILED'] },
    { args: ['help', 'openclaw'], expected: ['helm openclaw pair <userId>', 'helm openclaw delete-backup <userId> <id>', 'OPENCLAW_MANAGER_API_KEY'] },
  ])('helm $args prints help', async ({ args, expected }) => {
    const run = await helm(args);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const text of expected) expect(run.stdout).toContain(text);
  });

  it('a usage error is one line from the plugin and a non-zero exit', async () => {
    const run = await helm(['openclaw', 'pair', 'Not_A_User']);
    expect(run.exitCode).not.toBe(0);
    const ours = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(ours).toEqual([expect.stringContaining('error: userId must match')]);
    expect(run.stderr).not.toContain('    at ');
  });

  it('helm --debug reaches the plugin as HELM_DEBUG: the stack is shown', async () => {
    const run = await helm(['--debug', 'openclaw', 'pair', 'Not_A_User']);
    expect(run.stderr).toContain('UsageError');
    expect(run.stderr).toContain('    at ');
  });

  it("helm's -n and --kubeconfig reach the plugin (a kubeconfig pointing nowhere: the error names both)", async () => {
    const kubeconfig = path.join(scratch, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: nowhere, context: {cluster: nowhere, user: u}}]',
        'current-context: nowhere',
      ].join('\n'),
    );
    const run = await helm(['openclaw', 'status', 'alice', '-n', 'team-a', '--kubeconfig', kubeconfig]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('error: Cannot list pods in namespace team-a: ECONNREFUSED');
  });

  it('without any cluster configured says so, and how to go on, instead of a TLS complaint about localhost:8080', async () => {
    const home = mkdtempSync(path.join(scratch, 'home-'));
    const run = await helm(['openclaw', 'status', 'alice'], { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe(
      'error: No cluster configured: no --kubeconfig, KUBECONFIG or ~/.kube/config, and not in a pod (or use --manager-url to go through the manager)',
    );
    // Once there is a ~/.kube/config, that is what is used (here: a cluster that refuses the connection).
    mkdirSync(path.join(home, '.kube'));
    copyFileSync(path.join(scratch, 'kubeconfig'), path.join(home, '.kube', 'config'));
    const configured = await helm(['openclaw', 'status', 'alice'], { HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' });
    expect(configured.stderr).toContain('error: Cannot list pods in namespace openclaw: ECONNREFUSED');
  });

  it('--kube-context reaches the plugin as HELM_KUBECONTEXT', async () => {
    const kubeconfig = path.join(scratch, 'kubeconfig');
    const run = await helm(['openclaw', 'status', 'alice', '--kube-context', 'missing', '--kubeconfig', kubeconfig]);
    expect(run.stderr).toContain('error: The kubeconfig has no context "missing"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests } from '../../plugins/postrender/src/parse-manifests.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';

// The real helm 4 runs the installed plugin on the real chart, as deploy-user.sh and the manager do.
// A fixed gateway token keeps two renders comparable (the chart generates one otherwise).
const template = ['template', 'alice', 'chart', '-f', 'values/users/user-example.yaml', '--set', 'gatewayToken=test-token-0123456789abcdefghijklmnop'];
const postRender = ['--post-renderer', 'openclaw-postrender'];
const ingressOn = ['--set', 'ingress.enabled=true'];
const gatewayApiOn = ['--set', 'gatewayApi.enabled=true', '--set', 'gatewayApi.parentRef.name=external-http'];
const refusal = (kind: string, disabled: string, flag: string) =>
  `openclaw-postrender: ${kind}/alice-openclaw: ${kind} is not allowed while ${disabled} (pass --post-renderer-args ${flag}) (rule public-exposure)`;
const ingressLines = ['Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig'].map((kind) => refusal(kind, 'ingress is disabled', '--ingress-enabled=true'));
const gatewayApiLines = ['HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy'].map((kind) => refusal(kind, 'the Gateway API is disabled', '--gateway-api-enabled=true'));

describe('openclaw-postrender under helm', () => {
  let helm: PluginHome;
  let scratch: string;
  beforeAll(async () => {
    helm = await installPlugins([PLUGIN_DIRS.postrender]);
    scratch = mkdtempSync(join(tmpdir(), 'openclaw-postrender-helm-'));
  });
  afterAll(() => {
    helm?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const run = (args: readonly string[], extraEnv: Record<string, string> = {}) => runHelm(args, { env: { ...helm.env, ...extraEnv } });

  // Helm 4.1.4 drops a post-renderer's stderr; callers read the lines from the report file instead.
  async function runReporting(args: readonly string[]) {
    const reportFile = join(scratch, `report-${Math.random().toString(36).slice(2)}.txt`);
    const result = await run(args, { OPENCLAW_POSTRENDER_REPORT_FILE: reportFile });
    return { ...result, report: readFileSync(reportFile, 'utf8') };
  }

  it('is listed by `helm plugin list` as a postrenderer/v1 plugin', async () => {
    const r = await run(['plugin', 'list']);
    expect(r.exitCode, r.stderr).toBe(0);
    const row = r.stdout.split('\n').find((line) => line.startsWith('openclaw-postrender'));
    expect(row?.split(/\s+/).slice(0, 4)).toEqual(['openclaw-postrender', '0.1.0', 'postrenderer/v1', 'v1']);
  });

  it('passes the user-example render through with every object unchanged', async () => {
    const plain = await run(template);
    const rendered = await runReporting([...template, ...postRender]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.report).toBe('');
    expect(parseManifests(rendered.stdout)).toEqual(parseManifests(plain.stdout));
  });

  it('passes the values/openshift.yaml render (no runAsUser, runAsGroup or fsGroup) through unchanged', async () => {
    const openshift = [...template, '-f', 'values/openshift.yaml'];
    const plain = await run(openshift);
    const rendered = await runReporting([...openshift, ...postRender]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.report).toBe('');
    expect(rendered.stdout).not.toMatch(/runAsUser|runAsGroup|fsGroup:/);
    expect(parseManifests(rendered.stdout)).toEqual(parseManifests(plain.stdout));
  });

  it('passes a data volume made from a backup (persistence.restoreFrom) through unchanged', async () => {
    const restored = [...template, '--set', 'persistence.restoreFrom=alice-openclaw-backup-0123456789ab'];
    const plain = await run(restored);
    const rendered = await runReporting([...restored, ...postRender]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(rendered.report).toBe('');
    expect(rendered.stdout).toContain('kind: VolumeSnapshot');
    expect(parseManifests(rendered.stdout)).toEqual(parseManifests(plain.stdout));
  });

  it('adds --post-renderer-args --label=team=x to every object', async () => {
    const r = await run([...template, ...postRender, '--post-renderer-args', '--label=team=x']);
    expect(r.exitCode, r.stderr).toBe(0);
    const docs = parseManifests(r.stdout);
    // The `helm test` hooks (a NetworkPolicy and a Pod) go through the post-renderer too.
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'NetworkPolicy', 'PersistentVolumeClaim', 'Pod', 'Secret', 'Service']);
    for (const doc of docs) expect((doc.metadata as { labels: object }).labels, String(doc.kind)).toHaveProperty('team', 'x');
  });

  it('refuses ingress enabled in values without --ingress-enabled=true, naming each object and rule', async () => {
    const r = await runReporting([...template, ...ingressOn, ...postRender]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('plugin "openclaw-postrender" exited with error');
    for (const line of ingressLines) expect(r.report.split('\n')).toContain(line);
    expect(r.report).toMatch(/^openclaw-postrender: \d+ policy violation\(s\); nothing rendered$/m);
  });

  it("shows the violations on helm's own stderr when that is a terminal, a pipe or an appended file", async () => {
    const log = join(scratch, 'helm-stderr.log');
    const result = await runHelm([...template, ...ingressOn, ...postRender], { env: helm.env, stderrFile: log });
    expect(result.exitCode).not.toBe(0);
    const stderr = readFileSync(log, 'utf8');
    for (const line of ingressLines) expect(stderr).toContain(line);
    expect(stderr).toContain('plugin "openclaw-postrender" exited with error');
  });

  it('renders the Ingress, ManagedCertificate, BackendConfig and FrontendConfig with --ingress-enabled=true', async () => {
    const r = await run([...template, ...ingressOn, ...postRender, '--post-renderer-args', '--ingress-enabled=true']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).map((d) => d.kind)).toEqual(expect.arrayContaining(['Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig', 'NetworkPolicy']));
  });

  it('refuses gatewayApi enabled in values without --gateway-api-enabled=true, --ingress-enabled=true notwithstanding', async () => {
    for (const args of [[], ['--post-renderer-args', '--ingress-enabled=true']]) {
      const r = await runReporting([...template, ...gatewayApiOn, ...postRender, ...args]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toBe('');
      const lines = r.report.split('\n');
      for (const line of gatewayApiLines) expect(lines).toContain(line);
      expect(r.report).toMatch(/^openclaw-postrender: \d+ policy violation\(s\); nothing rendered$/m);
    }
  });

  it('renders the HTTPRoute, GCPBackendPolicy and HealthCheckPolicy with --gateway-api-enabled=true', async () => {
    const r = await run([...template, ...gatewayApiOn, ...postRender, '--post-renderer-args', '--gateway-api-enabled=true']);
    expect(r.exitCode, r.stderr).toBe(0);
    const kinds = parseManifests(r.stdout).map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy', 'NetworkPolicy']));
    expect(kinds).not.toContain('Ingress');
  });

  it('refuses a render without the NetworkPolicy', async () => {
    const r = await runReporting([...template, '--set', 'networkPolicy.enabled=false', ...postRender]);
    expect(r.exitCode).not.toBe(0);
    expect(r.report).toMatch(/^openclaw-postrender: Deployment\/alice-openclaw: no NetworkPolicy with policyTypes including Ingress selects its pods \(.+\) \(rule network-policy\)$/m);
  });

  it('refuses an unknown post-renderer argument', async () => {
    const r = await runReporting([...template, ...postRender, '--post-renderer-args', '--frobnicate']);
    expect(r.exitCode).not.toBe(0);
    expect(r.report).toContain('openclaw-postrender: unknown argument "--frobnicate"');
  });
});

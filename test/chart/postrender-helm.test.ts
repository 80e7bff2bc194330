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
const ingressLines = [
  'openclaw-postrender: Ingress/alice-openclaw: Ingress is not allowed while ingress is disabled (pass --post-renderer-args --ingress-enabled=true) (rule ingress-disabled)',
  'openclaw-postrender: ManagedCertificate/alice-openclaw: ManagedCertificate is not allowed while ingress is disabled (pass --post-renderer-args --ingress-enabled=true) (rule ingress-disabled)',
];

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

  it('adds --post-renderer-args --label=team=x to every object', async () => {
    const r = await run([...template, ...postRender, '--post-renderer-args', '--label=team=x']);
    expect(r.exitCode, r.stderr).toBe(0);
    const docs = parseManifests(r.stdout);
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'PersistentVolumeClaim', 'Secret', 'Service']);
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

  it('renders the Ingress and ManagedCertificate with --ingress-enabled=true', async () => {
    const r = await run([...template, ...ingressOn, ...postRender, '--post-renderer-args', '--ingress-enabled=true']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parseManifests(r.stdout).map((d) => d.kind)).toEqual(expect.arrayContaining(['Ingress', 'ManagedCertificate', 'NetworkPolicy']));
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

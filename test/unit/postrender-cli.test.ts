import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeManifests } from '../../plugins/postrender/src/serialize-manifests.js';
import { parseManifests } from '../../plugins/postrender/src/parse-manifests.js';
import { cleanRender, deployment, edited, renderWith } from './postrender-fixtures.js';

const BUNDLE = resolve('plugins/postrender/dist/postrender.js');
const clean = serializeManifests(cleanRender());

// The bundle as Helm runs it: plain node, manifests on stdin. HELM_PLUGIN_NAME stays unset so the
// CLI does not also write to this test runner's stderr.
async function runCli(input: string, args: readonly string[] = [], options: { bundle?: string; cwd?: string; env?: Record<string, string> } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...options.env };
  const result = await execa(process.execPath, [options.bundle ?? BUNDLE, ...args], { input, reject: false, env, extendEnv: false, cwd: options.cwd ?? process.cwd() });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

describe('postrender CLI (bundled)', () => {
  const isolated = mkdtempSync(join(tmpdir(), 'openclaw-postrender-'));
  afterAll(() => rmSync(isolated, { recursive: true, force: true }));

  it('passes a clean render through, objects unchanged and in order', async () => {
    const r = await runCli(clean);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(parseManifests(r.stdout)).toEqual(cleanRender());
  });

  it('adds the labels and annotations given as arguments', async () => {
    const r = await runCli(clean, ['--label=team=x', '--annotation', 'example.com/owner=ops']);
    expect(r.exitCode).toBe(0);
    for (const doc of parseManifests(r.stdout)) {
      expect(doc.metadata, String(doc.kind)).toMatchObject({ labels: { team: 'x' }, annotations: { 'example.com/owner': 'ops' } });
    }
  });

  it('runs from a directory without node_modules (the bundle is self-contained)', async () => {
    const alone = mkdtempSync(join(isolated, 'bundle-'));
    copyFileSync(BUNDLE, join(alone, 'postrender.js'));
    expect(readdirSync(alone)).toEqual(['postrender.js']);
    const r = await runCli(clean, [], { bundle: join(alone, 'postrender.js'), cwd: alone });
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(parseManifests(r.stdout)).toHaveLength(cleanRender().length);
  });

  it.each([
    {
      name: 'a policy violation',
      input: serializeManifests(renderWith(edited(deployment(), (d) => delete d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation))),
      args: [],
      stderr: [
        'openclaw-postrender: Deployment/alice-openclaw: container "openclaw" lacks securityContext.allowPrivilegeEscalation=false (rule hardened-security-context)',
        'openclaw-postrender: 1 policy violation(s); nothing rendered',
      ].join('\n'),
    },
    { name: 'an unknown argument', input: clean, args: ['--frobnicate'], stderr: 'openclaw-postrender: unknown argument "--frobnicate" (usage: --label KEY=VALUE (repeatable) --annotation KEY=VALUE (repeatable) --ingress-enabled[=true|false] --gateway-api-enabled[=true|false])' },
    { name: 'empty input', input: '', args: [], stderr: 'openclaw-postrender: no Kubernetes object on stdin (empty render)' },
    { name: 'invalid YAML', input: `${clean}---\nkind: [oops\n`, args: [], stderr: /^openclaw-postrender: document 7: invalid YAML: .+$/ },
    { name: 'a label conflicting with the chart', input: clean, args: ['--label=openclaw.ai/user=bob'], stderr: 'openclaw-postrender: NetworkPolicy/alice-openclaw: label openclaw.ai/user is already "alice", refusing to set "bob"' },
  ])('fails with exit 1, one line per problem and no output on $name', async ({ input, args, stderr }) => {
    const r = await runCli(input, args);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
    else expect(r.stderr).toMatch(stderr);
  });

  it('writes the failure lines to OPENCLAW_POSTRENDER_REPORT_FILE and empties it on success', async () => {
    const reportFile = join(isolated, 'report.txt');
    const failed = await runCli(clean, ['--frobnicate'], { env: { OPENCLAW_POSTRENDER_REPORT_FILE: reportFile } });
    expect(failed.exitCode).toBe(1);
    expect(readFileSync(reportFile, 'utf8')).toBe(`${failed.stderr}\n`);
    writeFileSync(reportFile, 'stale');
    expect((await runCli(clean, [], { env: { OPENCLAW_POSTRENDER_REPORT_FILE: reportFile } })).exitCode).toBe(0);
    expect(readFileSync(reportFile, 'utf8')).toBe('');
  });

  it('prints a stack trace only with HELM_DEBUG', async () => {
    expect((await runCli('', [])).stderr).not.toContain('    at ');
    const r = await runCli('', [], { env: { HELM_DEBUG: 'true' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('EmptyManifest: no Kubernetes object on stdin');
    expect(r.stderr).toContain('    at ');
  });
});

// chart-testing's lint on both charts, as npm test's gate: yamllint with ct's lint config, helm lint
// with every ci values file, and the version check against each chart's last release (see
// test/support/chart-testing.ts); a chart change that keeps the version is refused. Chart.yaml is
// checked against ct's own chart schema here, since ct's check needs a tool this machine lacks.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTS, chartTestingHome, ctWorkspace, releasedCommit, runCt, type CtWorkspace } from '../support/chart-testing.js';
import { REPO_ROOT } from '../support/helm.js';
import { parseYamaleSchema, validateYamale, type YamaleSchema } from '../support/yamale.js';

let schema: YamaleSchema;
beforeAll(() => {
  schema = parseYamaleSchema(readFileSync(path.join(chartTestingHome(), 'etc/chart_schema.yaml'), 'utf8'));
});

describe.each(CHARTS)('ct lint %s', (chart) => {
  let workspace: CtWorkspace;
  beforeAll(() => {
    workspace = ctWorkspace();
  });
  afterAll(() => workspace.remove());

  it('passes, with the version checked against the last release', async () => {
    const released = releasedCommit(REPO_ROOT, chart);
    const run = await runCt(workspace.dir, workspace.lintArgs(chart, released));
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(`path: "${chart}")`);
    expect(run.output).toContain('All charts linted successfully');
    if (released !== undefined) expect(run.output).toMatch(new RegExp(`Checking chart "[^\\n]*path: \\\\"${chart}\\\\"\\)" for a version bump`));
  });

  it("matches ct's chart schema", () => {
    const chartYaml = parse(readFileSync(path.join(REPO_ROOT, chart, 'Chart.yaml'), 'utf8')) as unknown;
    expect(validateYamale(schema, chartYaml)).toEqual([]);
  });
});

describe('what ct lint refuses', () => {
  let workspace: CtWorkspace;
  beforeAll(() => {
    workspace = ctWorkspace();
  });
  afterAll(() => workspace.remove());

  it('refuses a chart change without a version bump, and takes it with one', async () => {
    const dir = workspace.dir;
    // The workspace's HEAD is the comparison point; a template change on top of it is unreleased.
    const service = path.join(dir, 'chart/templates/service.yaml');
    writeFileSync(service, readFileSync(service, 'utf8').replace('type: ClusterIP', 'type: ClusterIP\n  sessionAffinity: None'));
    const head = releasedCommit(dir, 'chart');
    if (head === undefined) throw new Error('the workspace has no commit to compare with');
    const chartYamlPath = path.join(dir, 'chart/Chart.yaml');
    const chartYaml = readFileSync(chartYamlPath, 'utf8');
    writeFileSync(chartYamlPath, chartYaml.replace(/^version: .*$/m, `version: ${versionAt(dir, head)}`));

    const refused = await runCt(dir, workspace.lintArgs('chart', head));
    expect(refused.exitCode, refused.output).not.toBe(0);
    expect(refused.output).toContain('Needs a version bump');

    writeFileSync(chartYamlPath, chartYaml.replace(/^version: .*$/m, 'version: 99.0.0'));
    const taken = await runCt(dir, workspace.lintArgs('chart', head));
    expect(taken.exitCode, taken.output).toBe(0);
    expect(taken.output).toContain('Chart version ok.');
  });

  it.each([
    ['a template that fails with a ci values file', 'chart/templates/service.yaml', (text: string) => `${text}\n{{ .Values.no.such.value }}\n`, 'nil pointer evaluating interface {}.such'],
    ["values that break ct's YAML rules", 'chart/ci/default-values.yaml', (text: string) => text.replace('userId: ci-default', 'userId: ci-default   '), 'trailing spaces'],
  ])('fails on %s', async (_what, file, breakIt, message) => {
    const target = path.join(workspace.dir, file);
    const before = readFileSync(target, 'utf8');
    writeFileSync(target, breakIt(before));
    try {
      const run = await runCt(workspace.dir, ['lint', '--charts', 'chart']);
      expect(run.exitCode, run.output).not.toBe(0);
      expect(run.output).toContain(message);
    } finally {
      writeFileSync(target, before);
    }
  });
});

describe("the check against ct's chart schema", () => {
  it('finds a missing version, an unknown key and a wrong type', () => {
    const chartYaml = parse(readFileSync(path.join(REPO_ROOT, 'chart/Chart.yaml'), 'utf8')) as Record<string, unknown>;
    delete chartYaml.version;
    expect(validateYamale(schema, { ...chartYaml, colour: 'blue', keywords: 'openclaw', maintainers: [{ email: 'x@example.com' }] })).toEqual([
      'version: required',
      'keywords: "openclaw" is not list(str())',
      'maintainers[0].name: required',
      'colour: not in the schema',
    ]);
  });
});

function versionAt(repo: string, ref: string): string {
  const text = execFileSync('git', ['show', `${ref}:chart/Chart.yaml`], { cwd: repo, encoding: 'utf8' });
  return (parse(text) as { version: string }).version;
}

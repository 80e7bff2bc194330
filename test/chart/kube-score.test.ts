// kube-score, the pinned build (scripts/install-kube-score), on everything the project deploys: the
// user chart (its helm test pod too) with each chart/ci values file, the warm-capacity chart with
// both parts on, and the manager's chart with its NetworkPolicy and ServiceMonitor on. Every finding is either fixed or in ACCEPTED with the reason; a finding not
// listed fails, and so does a listed one that no longer occurs (the list never outlives its reason).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { helmBinary } from '../support/helm.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Accepted {
  /** kube-score's check id. */
  readonly check: string;
  /** `Kind/name` of the objects it is accepted for. */
  readonly objects: RegExp;
  readonly reason: string;
}

const ACCEPTED: readonly Accepted[] = [
  {
    check: 'container-security-context-user-group-id',
    objects: /^(Deployment\/(ci-[a-z-]+-openclaw|openclaw-manager)|Pod\/ci-[a-z-]+-openclaw-test)$/,
    reason: 'uid/gid 1000 is the images\' own user (node); kube-score wants above 10000. Both run non-root, every capability dropped, read-only root',
  },
  {
    check: 'deployment-strategy',
    objects: /^Deployment\/(ci-[a-z-]+-openclaw|openclaw-manager)$/,
    reason: 'Recreate on purpose: the data volume is ReadWriteOnce and two gateways must never share one state directory; two managers must never run operations at once (their locks are in memory)',
  },
  {
    check: 'deployment-replicas',
    objects: /^Deployment\/(ci-[a-z-]+-openclaw|openclaw-manager)$/,
    reason: 'one gateway per user by design; one manager until it scales out',
  },
  {
    check: 'container-image-pull-policy',
    objects: /^(DaemonSet\/warm-image-puller|Deployment\/warm-placeholder)$/,
    reason: 'the puller exists to leave the image in the node\'s cache (IfNotPresent); the pause image never changes under its tag',
  },
  {
    check: 'deployment-has-poddisruptionbudget',
    objects: /^Deployment\/warm-placeholder$/,
    reason: 'placeholders are there to be evicted the moment a user\'s pod needs the room',
  },
  {
    check: 'deployment-has-host-podantiaffinity',
    objects: /^Deployment\/warm-placeholder$/,
    reason: 'placeholders may share a node: they hold room, wherever the scheduler finds it',
  },
];

interface ScoredObject {
  readonly object_name: string;
  readonly type_meta: { readonly kind: string };
  readonly object_meta: { readonly name: string };
  readonly checks: readonly { readonly check: { readonly id: string }; readonly grade: number; readonly skipped: boolean; readonly comments: readonly { readonly path: string; readonly summary: string }[] | null }[];
}

/** Every check below the top grade, as `check Kind/name: summaries`. */
function findings(scored: readonly ScoredObject[]): { check: string; object: string; text: string }[] {
  return scored.flatMap((o) =>
    o.checks
      .filter((c) => !c.skipped && c.grade < 10)
      .map((c) => {
        const object = `${o.type_meta.kind}/${o.object_meta.name}`;
        return { check: c.check.id, object, text: `${c.check.id} ${object}: ${(c.comments ?? []).map((x) => `${x.path ? `(${x.path}) ` : ''}${x.summary}`).join('; ')}` };
      }),
  );
}

const ciValues = readdirSync(path.join(ROOT, 'chart/ci')).filter((f) => f.endsWith('-values.yaml'));

describe('kube-score on everything the project deploys', () => {
  let kubeScore: string;
  const work = mkdtempSync(path.join(tmpdir(), 'openclaw-kube-score-'));
  const sets: Record<string, string[]> = {};

  beforeAll(async () => {
    kubeScore = execFileSync(path.join(ROOT, 'scripts/install-kube-score'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const template = async (release: string, chart: string, values: string): Promise<string> => {
      const file = path.join(work, `${release}.yaml`);
      const rendered = await execa(helmBinary(), ['template', release, chart, '-n', 'openclaw', '-f', values], { cwd: ROOT });
      writeFileSync(file, rendered.stdout);
      return file;
    };
    for (const values of ciValues) {
      sets[`chart with ${values}`] = [await template(`ci-${values.replace('-values.yaml', '')}`, 'chart', `chart/ci/${values}`)];
    }
    const warm = path.join(work, 'warm-values.yaml');
    writeFileSync(warm, JSON.stringify({ image: { repository: 'registry.example/oc/openclaw-gke', tag: '2026.9.6' }, prePull: { enabled: true }, placeholders: { enabled: true } }));
    sets['warm-capacity with both parts on'] = [await template('warm', 'warm-capacity', warm)];
    const manager = path.join(work, 'manager-values.yaml');
    writeFileSync(manager, JSON.stringify({ serviceMonitor: { enabled: true }, instances: { values: { 'pool.yaml': { nodeSelector: { pool: 'gateways' } } } } }));
    sets['manager chart'] = [await template('openclaw-manager', 'manager/chart', manager)];
  }, 300_000);

  const score = (files: readonly string[]): ReturnType<typeof findings> => {
    // kube-score exits 1 when it finds anything; the JSON is what counts.
    let output: string;
    try {
      output = execFileSync(kubeScore, ['score', '--output-format', 'json', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      output = (err as { stdout?: string }).stdout ?? '';
    }
    return findings(JSON.parse(output) as ScoredObject[]);
  };

  it('finds nothing outside the accepted list, and every accepted finding still occurs', () => {
    const seen = new Set<Accepted>();
    const unexpected: string[] = [];
    for (const [name, files] of Object.entries(sets)) {
      for (const finding of score(files)) {
        const accepted = ACCEPTED.find((a) => a.check === finding.check && a.objects.test(finding.object));
        if (accepted) seen.add(accepted);
        else unexpected.push(`${name}: ${finding.text}`);
      }
    }
    expect(Object.keys(sets)).toHaveLength(ciValues.length + 2);
    expect(unexpected).toEqual([]);
    expect(ACCEPTED.filter((a) => !seen.has(a)).map((a) => `${a.check} ${a.objects}`), 'accepted findings that no longer occur').toEqual([]);
  });

  it('would fail a manifest with a finding nobody accepted', () => {
    const bad = path.join(work, 'bad.yaml');
    writeFileSync(bad, [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: careless}',
      'spec: {selector: {matchLabels: {app: c}}, template: {metadata: {labels: {app: c}}, spec: {containers: [{name: c, image: "nginx:latest"}]}}}',
    ].join('\n'));
    const found = score([bad]).filter((f) => !ACCEPTED.some((a) => a.check === f.check && a.objects.test(f.object)));
    expect(found.map((f) => f.check)).toEqual(expect.arrayContaining(['container-resources', 'container-security-context-readonlyrootfilesystem', 'pod-networkpolicy']));
  });
});

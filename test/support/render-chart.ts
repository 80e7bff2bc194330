import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from './helm.js';

/** A rendered Kubernetes object, loosely typed: tests assert on its fields. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are arbitrary YAML
  spec?: any;
  data?: Record<string, string>;
}

/** Writes values to a temp file and returns its path, so tests pass real values files to helm. */
export function valuesFile(values: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-values-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((doc): doc is K8sObject => doc !== null);
}

/** `helm template` of the chart with the given values files (and extra args); throws with helm's stderr on failure. */
export async function renderChart(files: readonly string[], extraArgs: readonly string[] = [], release = 'alice'): Promise<K8sObject[]> {
  const args = ['template', release, 'chart', '--namespace', 'openclaw', ...files.flatMap((f) => ['-f', f]), ...extraArgs];
  const result = await execa(helmBinary(), args, { reject: false });
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return parseManifests(result.stdout);
}

/** Runs `helm template` expecting failure; returns stderr. */
export async function renderChartError(files: readonly string[], extraArgs: readonly string[] = []): Promise<string> {
  const result = await execa(helmBinary(), ['template', 'alice', 'chart', ...files.flatMap((f) => ['-f', f]), ...extraArgs], { reject: false });
  if (result.exitCode === 0) throw new Error('expected helm template to fail, it succeeded');
  return result.stderr;
}

export function findObject(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? `/${name}` : ''} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The appVersion a chart's Chart.yaml states (`chart` or `warm-capacity`). */
export function chartAppVersion(chart = 'chart'): string | undefined {
  return /^appVersion: "(.+)"$/m.exec(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))?.[1];
}

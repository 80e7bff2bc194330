// Pure builders of helm argument arrays (never shell strings).

export interface InstallArgsInput {
  readonly release: string;
  readonly chartDir: string;
  readonly namespace: string;
  /** Operator-wide values files, applied before valuesFile (so valuesFile wins). */
  readonly baseValuesFiles: readonly string[];
  readonly valuesFile: string;
  /** Post-renderer plugin name; "" for none. */
  readonly postRenderer: string;
  readonly postRendererArgs: readonly string[];
  /** Labels on the release record (helm list --selector). */
  readonly labels: Readonly<Record<string, string>>;
  /** helm's per-operation timeout, e.g. "5m". */
  readonly timeout: string;
  /** Kept with the revision (helm history shows it). */
  readonly description?: string;
}

/**
 * `helm upgrade --install` without waiting for readiness (the watch cache reports progress).
 * @example buildInstallArgs({release:'alice-openclaw', chartDir:'chart', namespace:'openclaw', ...})
 */
export function buildInstallArgs(input: InstallArgsInput): string[] {
  const args = [
    'upgrade', '--install', input.release, input.chartDir,
    '--namespace', input.namespace,
    ...input.baseValuesFiles.flatMap((file) => ['--values', file]),
    '--values', input.valuesFile,
    '--wait=hookOnly',
    '--timeout', input.timeout,
  ];
  if (input.description !== undefined) args.push('--description', input.description);
  const labels = Object.entries(input.labels).map(([k, v]) => `${k}=${v}`).join(',');
  if (labels !== '') args.push('--labels', labels);
  if (input.postRenderer !== '') {
    args.push('--post-renderer', input.postRenderer);
    // "=" form: a value starting with "--" would otherwise be read as a flag.
    for (const arg of input.postRendererArgs) args.push(`--post-renderer-args=${arg}`);
  }
  return args;
}

export interface UninstallArgsInput {
  readonly release: string;
  readonly namespace: string;
  readonly timeout: string;
}

/** `helm uninstall`, waiting until the release's objects are gone so a re-create cannot collide. */
export function buildUninstallArgs(input: UninstallArgsInput): string[] {
  return ['uninstall', input.release, '--namespace', input.namespace, '--wait=watcher', '--timeout', input.timeout];
}

export interface ReuseUpgradeArgsInput {
  readonly release: string;
  readonly chartDir: string;
  readonly namespace: string;
  /** Values changed on top of the release's own (`--set-string key=value`; keys are dotted paths). */
  readonly setString?: Readonly<Record<string, string>>;
  /** Values changed as typed literals (`--set key=value`, e.g. replicas=0). */
  readonly set?: Readonly<Record<string, string | number>>;
  readonly postRenderer: string;
  readonly postRendererArgs: readonly string[];
  readonly timeout: string;
  readonly description?: string;
}

/**
 * `helm upgrade` of an existing release keeping every value it has (secrets, token, image tag) and
 * changing only the given ones. --reset-then-reuse-values rather than --reuse-values: the chart's
 * own defaults come from the chart on disk, so a newer chart's new keys are not lost.
 * @example buildReuseUpgradeArgs({release:'alice-openclaw', set:{replicas:0}, ...})
 */
export function buildReuseUpgradeArgs(input: ReuseUpgradeArgsInput): string[] {
  const args = [
    'upgrade', input.release, input.chartDir,
    '--namespace', input.namespace,
    '--reset-then-reuse-values',
    '--wait=hookOnly',
    '--timeout', input.timeout,
  ];
  if (input.description !== undefined) args.push('--description', input.description);
  for (const [key, value] of Object.entries(input.set ?? {})) args.push('--set', `${key}=${value}`);
  for (const [key, value] of Object.entries(input.setString ?? {})) args.push('--set-string', `${key}=${value}`);
  if (input.postRenderer !== '') {
    args.push('--post-renderer', input.postRenderer);
    for (const arg of input.postRendererArgs) args.push(`--post-renderer-args=${arg}`);
  }
  return args;
}

/** `helm status -o json` of one release. */
export function buildStatusArgs(release: string, namespace: string): string[] {
  return ['status', release, '--namespace', namespace, '--output', 'json'];
}

/** Releases in the namespace carrying `selector` (helm --labels) that are pending or failed. */
export function buildListUnsettledArgs(namespace: string, selector: string): string[] {
  return ['list', '--namespace', namespace, '--pending', '--failed', '--selector', selector, '--output', 'json'];
}

/** The newest `max` revisions of a release (`helm history -o json`). */
export function buildHistoryArgs(release: string, namespace: string, max: number): string[] {
  return ['history', release, '--namespace', namespace, '--max', String(max), '--output', 'json'];
}

/** Every value (chart defaults included) one revision was made with. */
export function buildRevisionValuesArgs(release: string, namespace: string, revision: number): string[] {
  return ['get', 'values', release, '--namespace', namespace, '--revision', String(revision), '--all', '--output', 'json'];
}

/**
 * `helm rollback` to `revision`, not waiting for readiness (the watch cache follows the roll). It
 * applies the manifest stored with that revision, already post-rendered, so no post-renderer here.
 */
export function buildRollbackArgs(release: string, namespace: string, revision: number, timeout: string): string[] {
  return ['rollback', release, String(revision), '--namespace', namespace, '--wait=hookOnly', '--timeout', timeout];
}

// Runs the pinned chart-testing (scripts/install-ct) the way the project's policy reads: every chart
// is linted whole, and a chart whose files changed since its last release must carry a higher version.
// "Its last release" is the commit before the newest one that touched the chart, or HEAD while the
// working tree has changes under it; ct compares Chart.yaml's version with that commit's.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { helmBinary, REPO_ROOT } from './helm.js';

/** The charts of this repository, as ct names them (directories under the chart-dirs of ct.yaml). */
export const CHARTS = ['chart', 'warm-capacity'] as const;
/** The remote the comparison commit is published under inside a ct workspace. */
const BASE_REMOTE = 'released';

let home: string | undefined;
/** The folder holding `ct` and its etc/ (built once into the cache). */
export function chartTestingHome(): string {
  home ??= execFileSync(path.join(REPO_ROOT, 'scripts/install-ct'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return home;
}

export interface CtRun {
  readonly exitCode: number;
  /** stdout and stderr together, in order, for failure messages. */
  readonly output: string;
}

/** ct with helm, kubectl and git on PATH; `cwd` is a git work tree with the repository's ct.yaml. */
export async function runCt(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CtRun> {
  const ctHome = chartTestingHome();
  const tools = [path.dirname(helmBinary()), ...(process.env.KUBECTL ? [path.dirname(process.env.KUBECTL)] : [])];
  const result = await execa(path.join(ctHome, 'ct'), [...args, '--config', 'ct.yaml'], {
    cwd,
    // ct lint's yamllint rules, from ct's own module (an environment variable: only lint has the flag).
    env: { ...env, CT_LINT_CONF: path.join(ctHome, 'etc/lintconf.yaml'), PATH: [...tools, env.PATH ?? ''].join(path.delimiter) },
    all: true,
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', ['-c', 'user.name=ct', '-c', 'user.email=ct@localhost', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** The commit a chart's version is compared with (see the header), or undefined for a chart never released. */
export function releasedCommit(repo: string, chart: string): string | undefined {
  const dirty = git(repo, ['status', '--porcelain', '--', chart]) !== '';
  if (dirty) return git(repo, ['rev-parse', 'HEAD']);
  const last = git(repo, ['log', '-1', '--format=%H', '--', chart]);
  if (last === '') return undefined;
  const parents = git(repo, ['rev-list', '--parents', '-n', '1', last]).split(' ').slice(1);
  return parents[0];
}

export interface CtWorkspace {
  readonly dir: string;
  /**
   * ct's arguments that lint `chart` and check its version against the commit `ref`: ct's changed-charts
   * mode (the only one that checks versions) from `ref` to the work tree, which takes in `chart` and any
   * other chart changed since. A chart never released is linted without the check.
   */
  lintArgs(chart: string, ref: string | undefined): string[];
  remove(): void;
}

/**
 * A throwaway clone of `repo` with the working tree's charts copied over it, so uncommitted chart
 * changes are linted, and without touching the repository's own refs.
 */
export function ctWorkspace(repo: string = REPO_ROOT): CtWorkspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-workspace-'));
  git(tmpdir(), ['clone', '--quiet', '--shared', repo, dir]);
  for (const chart of CHARTS) {
    rmSync(path.join(dir, chart), { recursive: true, force: true });
    cpSync(path.join(repo, chart), path.join(dir, chart), { recursive: true });
  }
  cpSync(path.join(repo, 'ct.yaml'), path.join(dir, 'ct.yaml'));
  return {
    dir,
    lintArgs(chart, ref) {
      if (ref === undefined) return ['lint', '--charts', chart];
      // ct reads the old version from <remote>/<target-branch>; one branch per chart.
      const branch = `base-${chart}`;
      git(dir, ['update-ref', `refs/remotes/${BASE_REMOTE}/${branch}`, ref]);
      return ['lint', '--remote', BASE_REMOTE, '--target-branch', branch];
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// Runs the real helm 4 binary against a private home, so tests can install this repository's plugins
// without touching the user's own plugins, repositories or cache.
// helm 4.1.4 `plugin install` ignores HELM_PLUGINS and links into $XDG_DATA_HOME/helm/plugins, while
// `plugin list` and `--post-renderer` read HELM_PLUGINS when set: so point XDG_* at the private home
// and leave HELM_PLUGINS unset.
import { execa } from 'execa';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; plugin directories are resolved against it. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The plugins this repository ships, by directory (relative to the repository root). */
export const PLUGIN_DIRS = { postrender: 'plugins/postrender', openclaw: 'plugins/openclaw' } as const;

export interface HelmRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunHelmOptions {
  /** Environment for helm (default: the current one); build it with helmEnv() for a private home. */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to helm's stdin (default: none). */
  readonly input?: string;
  /** Working directory (default: the repository root, so `chart` and `values/...` resolve). */
  readonly cwd?: string;
  /**
   * Append helm's stderr to this file, which helm gets as its own fd 2 like `2>>file` in a shell
   * (default: a pipe, returned as `stderr`; then `stderr` is empty).
   */
  readonly stderrFile?: string;
}

export interface PluginHome {
  /** The private home: XDG data, config and cache live below it. */
  readonly home: string;
  /** The environment to pass to runHelm() so helm sees the installed plugins. */
  readonly env: NodeJS.ProcessEnv;
  /** Deletes the private home. */
  remove(): void;
}

/** The helm 4 binary the global setup found (`scripts/install-helm`). */
export function helmBinary(): string {
  const bin = process.env.HELM_BIN;
  if (!bin) throw new Error('HELM_BIN is not set: run the tests through `npm test` or vitest (the global setup sets it)');
  return bin;
}

/**
 * The environment for helm with plugins, config and cache under `home`; HELM_PLUGINS and the other
 * HELM_*_HOME overrides are removed so the XDG directories win.
 * @example helmEnv('/tmp/h') // { ..., XDG_DATA_HOME: '/tmp/h/data', ... }
 */
export function helmEnv(home: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const overrides = new Set(['HELM_PLUGINS', 'HELM_DATA_HOME', 'HELM_CONFIG_HOME', 'HELM_CACHE_HOME']);
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(base).filter(([key]) => !overrides.has(key)));
  env.XDG_DATA_HOME = join(home, 'data');
  env.XDG_CONFIG_HOME = join(home, 'config');
  env.XDG_CACHE_HOME = join(home, 'cache');
  return env;
}

/** Runs helm with an argument array; never throws on a non-zero exit (assert on exitCode). */
export async function runHelm(args: readonly string[], options: RunHelmOptions = {}): Promise<HelmRun> {
  // An opened file stream is handed to helm as its descriptor, not piped through this process.
  const stderrFile = options.stderrFile === undefined ? undefined : createWriteStream(options.stderrFile, { flags: 'a' });
  if (stderrFile) await once(stderrFile, 'open');
  try {
    const result = await execa(helmBinary(), [...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      extendEnv: false,
      reject: false,
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(stderrFile ? { stderr: stderrFile } : {}),
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: typeof result.stderr === 'string' ? result.stderr : '' };
  } finally {
    stderrFile?.close();
  }
}

/**
 * Creates a private helm home and `helm plugin install`s each plugin directory into it (a link, so a
 * rebuilt bundle is picked up). Throws with helm's stderr when an install fails.
 * @example const h = await installPlugins([PLUGIN_DIRS.postrender]); await runHelm(['plugin', 'list'], { env: h.env });
 */
export async function installPlugins(pluginDirs: readonly string[]): Promise<PluginHome> {
  const home = mkdtempSync(join(tmpdir(), 'openclaw-helm-home-'));
  const env = helmEnv(home);
  const remove = (): void => rmSync(home, { recursive: true, force: true });
  for (const dir of pluginDirs) {
    const result = await runHelm(['plugin', 'install', resolve(REPO_ROOT, dir)], { env });
    if (result.exitCode !== 0) {
      remove();
      throw new Error(`helm plugin install ${dir} failed (exit ${result.exitCode}): ${result.stderr}`);
    }
  }
  return { home, env, remove };
}

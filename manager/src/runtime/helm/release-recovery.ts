// Cleans up after helm operations that did not finish. helm killed mid-install, or the API server
// gone mid-install, leave the release `pending-install` (every later upgrade then fails with
// "another operation is in progress") or `failed`, with some of its objects made. Nothing of such a
// release is worth keeping, so it is uninstalled as soon as the cluster answers again. An upgrade or
// rollback cut off the same way leaves `pending-upgrade` or `pending-rollback`: the release is rolled
// back to its deployed revision, so the operation can run again.
// The manager runs as one replica (manager/chart allows no more), so an unfinished operation
// it does not run itself belongs to nobody.
import { buildHistoryArgs, buildListUnsettledArgs, buildRollbackArgs, buildStatusArgs, buildUninstallArgs } from './helm-args.js';
import { HelmCommandFailed } from './helm-errors.js';
import type { HelmRunOptions, HelmRunner } from './helm-spawn.js';
import { parseHistory, type HistoryEntry } from './release-history.js';
import type { Logger } from '../../logger.js';

export interface ReleaseStatus {
  readonly name: string;
  readonly status: string;
  readonly revision: number;
}

/** A first install that never completed (a failed upgrade of a deployed release is not one). */
export function isUnfinishedInstall(release: ReleaseStatus): boolean {
  return release.status === 'pending-install' || (release.status === 'failed' && release.revision === 1);
}

const CUT_OFF = new Set(['pending-upgrade', 'pending-rollback']);
// Revisions helm keeps looking at when it picks the one to go back to.
const HISTORY_READ = 10;

/**
 * The revision to roll back to when the newest one is an upgrade or rollback that never finished:
 * the deployed one (helm leaves it so until an upgrade succeeds), else the newest superseded one.
 */
export function rollbackTarget(history: readonly HistoryEntry[]): number | undefined {
  const newestFirst = [...history].sort((a, b) => b.revision - a.revision);
  const [newest, ...older] = newestFirst;
  if (!newest || !CUT_OFF.has(newest.status)) return undefined;
  return (older.find((e) => e.status === 'deployed') ?? older.find((e) => e.status === 'superseded'))?.revision;
}

/** `helm status -o json`: {name, version, info: {status}}. */
export function parseStatus(json: string): ReleaseStatus {
  const parsed = JSON.parse(json) as { name?: unknown; version?: unknown; info?: { status?: unknown } };
  return { name: String(parsed.name ?? ''), status: String(parsed.info?.status ?? ''), revision: Number(parsed.version ?? 0) };
}

/** `helm list -o json`: [{name, revision: "1", status}]. */
export function parseList(json: string): ReleaseStatus[] {
  const parsed = JSON.parse(json === '' ? '[]' : json) as { name?: unknown; revision?: unknown; status?: unknown }[];
  return parsed.map((r) => ({ name: String(r.name ?? ''), status: String(r.status ?? ''), revision: Number(r.revision ?? 0) }));
}

export interface ReleaseRecoveryOptions {
  readonly helm: HelmRunner;
  readonly run: HelmRunOptions;
  readonly namespace: string;
  readonly logger: Logger;
  /** Pause between attempts while the cluster does not answer (default 2 s). */
  readonly retryMs?: number;
  /** Attempts before giving up (default 300, i.e. ten minutes). */
  readonly maxAttempts?: number;
}

export class ReleaseRecovery {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: ReleaseRecoveryOptions) {}

  /** Uninstalls `release` when it is an unfinished install; true when it did. Throws when helm fails. */
  async recover(release: string): Promise<boolean> {
    let status: ReleaseStatus;
    try {
      status = parseStatus(await this.helm(buildStatusArgs(release, this.options.namespace)));
    } catch (err) {
      if (err instanceof HelmCommandFailed && /release: not found/i.test(err.stderr)) return false;
      throw err;
    }
    if (!isUnfinishedInstall(status)) return false;
    await this.helm(buildUninstallArgs({ release, namespace: this.options.namespace, timeout: '2m' }));
    this.options.logger.warn({ release, status: status.status }, 'uninstalled an unfinished install');
    return true;
  }

  /**
   * Rolls `release` back to its deployed revision when an upgrade or rollback left it pending; true
   * when it did. Only for a caller that knows no helm runs on the release (the user's lock).
   */
  async unstick(release: string): Promise<boolean> {
    const target = rollbackTarget(parseHistory(await this.helm(buildHistoryArgs(release, this.options.namespace, HISTORY_READ))));
    if (target === undefined) return false;
    await this.helm(buildRollbackArgs(release, this.options.namespace, target, '2m'));
    this.options.logger.warn({ release, revision: target }, 'rolled back an upgrade that never finished');
    return true;
  }

  /** Names of the unfinished installs among the releases carrying `selector`. */
  async unfinished(selector: string): Promise<string[]> {
    const releases = parseList(await this.helm(buildListUnsettledArgs(this.options.namespace, selector)));
    return releases.filter(isUnfinishedInstall).map((r) => r.name);
  }

  /** Runs `task` soon, and again after each failure (cluster away, user busy) until it succeeds. */
  retry(what: string, task: () => Promise<void>, attempt = 1): void {
    if (this.closed) return;
    const delay = attempt === 1 ? 0 : (this.options.retryMs ?? 2000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      task().catch((err: unknown) => {
        if (attempt >= (this.options.maxAttempts ?? 300)) {
          this.options.logger.error({ err, what }, 'giving up cleaning up an unfinished install');
          return;
        }
        this.options.logger.debug({ err: err instanceof Error ? err.message : String(err), what, attempt }, 'cleanup not possible yet; retrying');
        this.retry(what, task, attempt + 1);
      });
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private helm(args: string[]): Promise<string> {
    return this.options.helm(args, this.options.run);
  }
}

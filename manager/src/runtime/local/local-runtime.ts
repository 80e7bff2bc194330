// The local runtime: each instance is scripts/instance-entrypoint.sh run as its own process group on
// this machine, with its own ports, token and `<dataDir>/<userId>/state`. Instances outlive the
// manager; a restarted manager adopts the ones still running and restarts the others from their
// records. A process that dies is restarted with exponential backoff, like a pod.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../logger.js';
import { isValidUserId } from '../../names/user-id.js';
import type {
  DeleteOptions, DeleteResult, GatewayTarget, Instance, InstanceRevision, InstanceRuntime, InstanceSpec, StartProgress, UpgradeOptions, VncTarget,
} from '../instance-runtime.js';
import { dataClaimName } from '../../names/object-names.js';
import {
  InstanceAlreadyExists, InstanceNotFound, InstanceNotStopped, InstanceUpgradeFailed, InstanceUpgradeTimedOut, KeptDataInTheWay, RevisionNotFound,
  RuntimeUnavailable,
} from '../runtime-errors.js';
import { UserLocks } from '../user-lock.js';
import { detectBrowserSupport, findOnPath, type BrowserSupport } from './browser-support.js';
import { logEnd, readLogFrom } from './instance-log.js';
import { LocalBackups } from './local-backups.js';
import { readRecord, writePrivateFile, writeRecord, type InstanceRecord, type LocalRevision } from './instance-record.js';
import { localPaths, type LocalPaths } from './local-paths.js';
import { launchStages } from './launch-stages.js';
import { localStartProgress } from './local-progress.js';
import { describeTracked, type Tracked } from './local-status.js';
import { LocalSupervisor } from './local-supervisor.js';
import { LocalVersions } from './local-versions.js';
import { isSameProcess } from './process-table.js';
import { probeGatewayHealthy } from './readiness-probe.js';

export interface LocalRuntimeOptions {
  readonly dataDir: string;
  readonly entrypoint: string;
  readonly openclawBin: string;
  /** Environment the instances start from (the manager's, without its API key). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** How often processes and readiness are checked (default 1000 ms). */
  readonly monitorIntervalMs?: number;
  /** How long a stopping instance gets before SIGKILL (default 30 s; the entrypoint's own grace is 20 s). */
  readonly stopTimeoutMs?: number;
  /** Default: detected on baseEnv.PATH. */
  readonly browser?: BrowserSupport;
  /** Tag recorded for new instances (default "latest"); it runs openclawBin. */
  readonly imageTag?: string;
  /** Where other tags' binaries live (see local-versions.ts); unset: every tag runs openclawBin. */
  readonly versionsDir?: string;
}

const PROGRESS_POLL_MS = 500;
const REVISIONS_KEPT = 10;
const STOPPED_MESSAGE = 'stopped (data kept); start it to run again';

export class LocalRuntime implements InstanceRuntime {
  readonly kind = 'local' as const;
  private readonly tracked = new Map<string, Tracked>();
  /** Gateway tokens by user: a token never changes while its instance exists, and every RPC needs it. */
  private readonly tokens = new Map<string, string>();
  private readonly locks = new UserLocks();
  private readonly browser: BrowserSupport;
  /** Programs every instance needs (the entrypoint's forwarder). */
  private readonly missingRequired: string[];
  private readonly supervisor: LocalSupervisor;
  private readonly versions: LocalVersions;
  readonly backups: LocalBackups;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.browser = options.browser ?? detectBrowserSupport(options.baseEnv.PATH ?? '');
    this.missingRequired = ['socat', 'node'].filter((c) => findOnPath(c, options.baseEnv.PATH ?? '') === undefined);
    this.versions = new LocalVersions(options.openclawBin, this.defaultTag, options.versionsDir);
    this.backups = new LocalBackups({
      dataDir: options.dataDir,
      env: options.baseEnv,
      stateDir: (userId) => this.paths(userId).stateDir,
      whileStopped: (userId, fn) => this.locks.run(userId, 'restore', async () => {
        const entry = this.entry(userId);
        if (entry.phase !== 'Stopped') throw new InstanceNotStopped(userId, 'restore its data');
        return fn();
      }),
    });
    this.supervisor = new LocalSupervisor(this.tracked, this.locks, {
      entrypoint: options.entrypoint, openclawBin: (tag) => this.versions.binaryFor(tag), baseEnv: options.baseEnv, browser: this.browser,
      logger: options.logger, paths: (userId) => this.paths(userId),
      ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
    });
  }

  async start(): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    if (!this.browser.available) {
      this.options.logger.warn({ missing: this.browser.missing }, 'browser support missing: instances run gateway-only');
    }
    for (const userId of await readdir(this.options.dataDir)) {
      if (!isValidUserId(userId)) continue;
      const record = await readRecord(this.paths(userId).recordFile).catch((err: unknown) => {
        this.options.logger.error({ err, userId }, 'unreadable instance record; ignoring it');
        return undefined;
      });
      if (!record) continue;
      // What an adopted instance printed before this manager started is not read for its progress.
      const logOffset = await logEnd(this.paths(userId).logFile);
      const entry: Tracked = { record, phase: 'Starting', ready: false, message: 'adopting', restarts: 0, logOffset };
      this.tracked.set(userId, entry);
      if (record.stopped === true) {
        Object.assign(entry, { phase: 'Stopped', message: STOPPED_MESSAGE });
      } else if (record.pid !== undefined && isSameProcess(record.pid, record.pidStartTime)) {
        this.options.logger.info({ userId, pid: record.pid }, 'adopted running instance');
        entry.message = 'gateway starting (adopted)';
      } else {
        this.options.logger.info({ userId, pid: record.pid }, 'instance not running; restarting it from its record');
        await this.locks.run(userId, 'restart', () => this.supervisor.launch(entry));
      }
    }
    const interval = this.options.monitorIntervalMs ?? 1000;
    this.timer = setInterval(() => void this.supervisor.tick(), interval);
    this.timer.unref();
  }

  async create(spec: InstanceSpec): Promise<Instance> {
    if (this.missingRequired.length > 0) {
      throw new RuntimeUnavailable(`Cannot run instances here: ${this.missingRequired.join(', ')} not found on PATH (sudo bash scripts/install-system-packages)`);
    }
    return this.locks.run(spec.userId, 'create', async () => {
      const paths = this.paths(spec.userId);
      if (this.tracked.has(spec.userId) || (await readRecord(paths.recordFile))) throw new InstanceAlreadyExists(spec.userId);
      if (spec.fromBackup) {
        if ((await readdir(paths.stateDir).catch(() => [])).length > 0) throw new KeptDataInTheWay(spec.userId);
        await mkdir(paths.userDir, { recursive: true, mode: 0o700 });
        await this.backups.copyInto(spec.fromBackup, paths.stateDir);
      }
      await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
      await writePrivateFile(paths.tokenFile, randomBytes(32).toString('base64url'));
      await writePrivateFile(paths.secretsFile, JSON.stringify(spec.secrets));
      const [ports, display] = await this.supervisor.allocate();
      const createdAt = new Date().toISOString();
      const record: InstanceRecord = {
        version: 1, userId: spec.userId, createdAt, ports, display, browser: this.browser.available,
        imageTag: this.defaultTag, revisions: [{ revision: 1, imageTag: this.defaultTag, at: createdAt, cause: 'create' }],
      };
      await writeRecord(paths.recordFile, record);
      const entry: Tracked = { record, phase: 'Pending', ready: false, message: 'starting the process', restarts: 0 };
      this.tracked.set(spec.userId, entry);
      await this.supervisor.launch(entry);
      return this.view(entry);
    });
  }

  async list(): Promise<Instance[]> {
    return [...this.tracked.values()].map((t) => this.view(t)).sort((a, b) => a.userId.localeCompare(b.userId));
  }

  async get(userId: string): Promise<Instance> {
    const entry = this.entry(userId);
    if (!entry.ready && !this.locks.isHeld(userId)) await this.supervisor.observe(entry);
    return this.view(entry);
  }

  async delete(userId: string, options: DeleteOptions): Promise<DeleteResult> {
    return this.locks.run(userId, 'delete', async () => {
      const paths = this.paths(userId);
      const entry = this.tracked.get(userId);
      const dataVolume = { name: dataClaimName(userId), path: paths.stateDir, kept: !options.purge };
      if (!entry) {
        // A purge may also remove data kept by an earlier plain delete.
        if (options.purge && (await exists(paths.userDir))) {
          await rm(paths.userDir, { recursive: true, force: true });
          return { userId, dataVolume };
        }
        throw new InstanceNotFound(userId);
      }
      entry.phase = 'Deleting';
      entry.ready = false;
      entry.message = 'stopping';
      await this.supervisor.halt(entry);
      await rm(options.purge ? paths.userDir : paths.runtimeDir, { recursive: true, force: true });
      this.tracked.delete(userId);
      this.tokens.delete(userId);
      return { userId, dataVolume };
    });
  }

  async stopInstance(userId: string): Promise<Instance> {
    return this.locks.run(userId, 'stop', async () => {
      const entry = this.entry(userId);
      if (entry.phase === 'Stopped') return this.view(entry);
      Object.assign(entry, { phase: 'Stopped', ready: false, message: 'stopping', readySince: undefined, restartAt: undefined, restarts: 0 });
      await this.supervisor.halt(entry);
      // Recorded, so a restarted manager leaves it stopped instead of starting it again.
      entry.record = { ...entry.record, stopped: true };
      await writeRecord(this.paths(userId).recordFile, entry.record);
      entry.message = STOPPED_MESSAGE;
      this.options.logger.info({ userId }, 'instance stopped');
      return this.view(entry);
    });
  }

  async startInstance(userId: string): Promise<Instance> {
    return this.locks.run(userId, 'start', async () => {
      const entry = this.entry(userId);
      if (entry.phase !== 'Stopped') return this.view(entry);
      await this.supervisor.launch(entry);
      return this.view(entry);
    });
  }

  async upgrade(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance> {
    return this.locks.run(userId, 'upgrade', async () => {
      await this.versions.assertAvailable(imageTag);
      return this.rollTo(userId, imageTag, options.cause ?? `upgrade to ${imageTag}`, options);
    });
  }

  async revisions(userId: string, max = REVISIONS_KEPT): Promise<InstanceRevision[]> {
    const { record } = this.entry(userId);
    const kept = this.keptRevisions(record);
    return kept.map((r, i) => ({ ...r, imageDigest: null, status: i === kept.length - 1 ? 'deployed' : 'superseded' })).reverse().slice(0, max);
  }

  async rollback(userId: string, revision: number, options: UpgradeOptions): Promise<Instance> {
    return this.locks.run(userId, 'rollback', async () => {
      const kept = this.keptRevisions(this.entry(userId).record);
      const target = kept.find((r) => r.revision === revision);
      if (!target) throw new RevisionNotFound(userId, revision, kept.map((r) => r.revision));
      return this.rollTo(userId, target.imageTag, `Rollback to ${revision}`, options);
    });
  }

  /**
   * Records `imageTag` as a new revision; a running instance restarts on its binary (a fresh process
   * on the same data even when the binary is the same, so the roll is real) and is awaited.
   */
  private async rollTo(userId: string, imageTag: string, cause: string, options: UpgradeOptions): Promise<Instance> {
    const entry = this.entry(userId);
    const kept = this.keptRevisions(entry.record);
    const revision = { revision: (kept.at(-1)?.revision ?? 0) + 1, imageTag, at: new Date().toISOString(), cause };
    entry.record = { ...entry.record, imageTag, revisions: [...kept, revision].slice(-REVISIONS_KEPT) };
    await writeRecord(this.paths(userId).recordFile, entry.record);
    if (entry.phase === 'Stopped') return this.view(entry);
    Object.assign(entry, { phase: 'Pending', ready: false, message: `restarting for ${imageTag}` });
    await this.supervisor.halt(entry);
    await this.supervisor.launch(entry);
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      await this.supervisor.observe(entry);
      if (entry.ready) return this.view(entry);
      if (isFailed(entry)) throw new InstanceUpgradeFailed(userId, imageTag, entry.message);
      if (Date.now() >= deadline || options.signal?.aborted) throw new InstanceUpgradeTimedOut(userId, imageTag, options.timeoutMs);
      await pause(PROGRESS_POLL_MS, options.signal);
    }
  }

  /** A record from before revisions were kept counts as one revision: the tag it runs, since it was made. */
  private keptRevisions(record: InstanceRecord): readonly LocalRevision[] {
    return record.revisions ?? [{ revision: 1, imageTag: record.imageTag ?? this.defaultTag, at: record.createdAt, cause: 'create' }];
  }

  private get defaultTag(): string {
    return this.options.imageTag ?? 'latest';
  }

  async *progress(userId: string, signal: AbortSignal): AsyncIterable<StartProgress> {
    let shown: { progress: number; message: string } = { progress: 0, message: '' };
    while (!signal.aborted) {
      const entry = this.entry(userId);
      if (!entry.ready && !this.locks.isHeld(userId)) await this.supervisor.observe(entry);
      const starting = entry.phase === 'Starting' && !entry.ready;
      const healthy = starting && (await probeGatewayHealthy(entry.record.ports.gateway));
      const stages = starting ? launchStages(await readLogFrom(this.paths(userId).logFile, entry.logOffset ?? 0)) : [];
      const observed = { phase: entry.phase, ready: entry.ready, message: entry.message };
      // Stages passed since the last poll are each reported, not only the furthest; one at the
      // number already shown counts when it says something else (the log line of /healthz's step
      // can be read after the probe answered).
      const unseen = (s: { progress: number; message: string }): boolean => s.progress > shown.progress || (s.progress === shown.progress && s.message !== shown.message);
      for (const stage of stages.slice(0, -1).filter(unseen)) {
        yield localStartProgress({ ...observed, healthy: false, stage });
      }
      const stage = stages.at(-1);
      const now = localStartProgress({ ...observed, healthy, ...(stage ? { stage } : {}) });
      shown = now;
      yield now;
      await pause(PROGRESS_POLL_MS, signal);
    }
  }

  async gatewayTarget(userId: string): Promise<GatewayTarget> {
    const entry = this.entry(userId);
    let token = this.tokens.get(userId);
    if (token === undefined) {
      token = (await readFile(this.paths(userId).tokenFile, 'utf8')).trim();
      this.tokens.set(userId, token);
    }
    return { url: `ws://127.0.0.1:${entry.record.ports.gateway}`, token };
  }

  async vncTarget(userId: string): Promise<VncTarget> {
    const entry = this.entry(userId);
    return { url: `ws://127.0.0.1:${entry.record.ports.vnc}` };
  }

  /** Stops watching; the instances keep running and are adopted by the next start(). */
  async close(): Promise<void> {
    this.supervisor.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private paths(userId: string): LocalPaths {
    return localPaths(this.options.dataDir, userId);
  }

  private entry(userId: string): Tracked {
    const entry = this.tracked.get(userId);
    if (!entry) throw new InstanceNotFound(userId);
    return entry;
  }

  private view(entry: Tracked): Instance {
    const { stateDir, logFile } = this.paths(entry.record.userId);
    return describeTracked(entry, {
      stateDir,
      logFile,
      openclawBin: this.versions.binaryFor(entry.record.imageTag),
      browser: this.browser,
      imageTag: this.defaultTag,
    });
  }
}

// A separate function so the check is not narrowed away across awaits.
function isFailed(entry: Tracked): boolean {
  return entry.phase === 'Failed';
}

/** Waits `ms`; returns early (without throwing) when `signal` aborts. */
async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

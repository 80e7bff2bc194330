// The local runtime: each instance is scripts/instance-entrypoint.sh run as its own process group on
// this machine, with its own ports, token and `<dataDir>/<userId>/state`. Instances outlive the
// manager; a restarted manager adopts the ones still running and restarts the others from their
// records. A process that dies is restarted with exponential backoff, like a pod.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { Logger } from '../../logger.js';
import { startDaemon } from '../../process/spawn.js';
import { isValidUserId } from '../../validation/user-id.js';
import type {
  DeleteOptions, DeleteResult, GatewayTarget, Instance, InstanceRuntime, InstanceSpec, VncTarget,
} from '../instance-runtime.js';
import { dataClaimName } from '../object-names.js';
import { InstanceAlreadyExists, InstanceNotFound, RuntimeOperationFailed, RuntimeUnavailable } from '../runtime-errors.js';
import { UserLocks } from '../user-lock.js';
import { detectBrowserSupport, findOnPath, type BrowserSupport } from './browser-support.js';
import { freeDisplay, freePorts, isPortFree } from './free-ports.js';
import { buildInstanceEnv } from './instance-env.js';
import { readRecord, writePrivateFile, writeRecord, type InstanceRecord } from './instance-record.js';
import { localPaths, type LocalPaths } from './local-paths.js';
import { describeTracked, type Tracked } from './local-status.js';
import { isAlive, isSameProcess, processStartTime, sessionProcesses, signal } from './process-table.js';
import { probeGatewayReady } from './readiness-probe.js';

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
}

const MAX_BACKOFF_MS = 60_000;
const STABLE_MS = 60_000;
const RUNNING_PROBE_EVERY_MS = 5_000;

export class LocalRuntime implements InstanceRuntime {
  readonly kind = 'local' as const;
  private readonly tracked = new Map<string, Tracked>();
  private readonly locks = new UserLocks();
  private readonly browser: BrowserSupport;
  /** Programs every instance needs (the entrypoint's forwarder). */
  private readonly missingRequired: string[];
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.browser = options.browser ?? detectBrowserSupport(options.baseEnv.PATH ?? '');
    this.missingRequired = ['socat', 'node'].filter((c) => findOnPath(c, options.baseEnv.PATH ?? '') === undefined);
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
      const entry: Tracked = { record, phase: 'Starting', ready: false, message: 'adopting', restarts: 0 };
      this.tracked.set(userId, entry);
      if (record.pid !== undefined && isSameProcess(record.pid, record.pidStartTime)) {
        this.options.logger.info({ userId, pid: record.pid }, 'adopted running instance');
        entry.message = 'gateway starting (adopted)';
      } else {
        this.options.logger.info({ userId, pid: record.pid }, 'instance not running; restarting it from its record');
        await this.locks.run(userId, 'restart', () => this.launch(entry));
      }
    }
    const interval = this.options.monitorIntervalMs ?? 1000;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  async create(spec: InstanceSpec): Promise<Instance> {
    if (this.missingRequired.length > 0) {
      throw new RuntimeUnavailable(`Cannot run instances here: ${this.missingRequired.join(', ')} not found on PATH (sudo bash scripts/install-system-packages)`);
    }
    return this.locks.run(spec.userId, 'create', async () => {
      const paths = this.paths(spec.userId);
      if (this.tracked.has(spec.userId) || (await readRecord(paths.recordFile))) throw new InstanceAlreadyExists(spec.userId);
      await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
      await writePrivateFile(paths.tokenFile, randomBytes(32).toString('base64url'));
      await writePrivateFile(paths.secretsFile, JSON.stringify(spec.secrets));
      const [ports, display] = await this.allocate();
      const record: InstanceRecord = {
        version: 1, userId: spec.userId, createdAt: new Date().toISOString(), ports, display, browser: this.browser.available,
      };
      await writeRecord(paths.recordFile, record);
      const entry: Tracked = { record, phase: 'Pending', ready: false, message: 'starting the process', restarts: 0 };
      this.tracked.set(spec.userId, entry);
      await this.launch(entry);
      return this.view(entry);
    });
  }

  async list(): Promise<Instance[]> {
    return [...this.tracked.values()].map((t) => this.view(t)).sort((a, b) => a.userId.localeCompare(b.userId));
  }

  async get(userId: string): Promise<Instance> {
    const entry = this.entry(userId);
    if (!entry.ready && !this.locks.isHeld(userId)) await this.observe(entry);
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
      await this.stop(entry);
      await rm(options.purge ? paths.userDir : paths.runtimeDir, { recursive: true, force: true });
      this.tracked.delete(userId);
      return { userId, dataVolume };
    });
  }

  async gatewayTarget(userId: string): Promise<GatewayTarget> {
    const entry = this.entry(userId);
    const token = (await readFile(this.paths(userId).tokenFile, 'utf8')).trim();
    return { url: `ws://127.0.0.1:${entry.record.ports.gateway}`, token };
  }

  async vncTarget(userId: string): Promise<VncTarget> {
    const entry = this.entry(userId);
    return { url: `ws://127.0.0.1:${entry.record.ports.vnc}` };
  }

  /** Stops watching; the instances keep running and are adopted by the next start(). */
  async close(): Promise<void> {
    this.closed = true;
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
    return describeTracked(entry, {
      stateDir: this.paths(entry.record.userId).stateDir,
      logFile: this.paths(entry.record.userId).logFile,
      openclawBin: this.options.openclawBin,
      browser: this.browser,
    });
  }

  private async allocate(avoidFor?: string): Promise<[InstanceRecord['ports'], number]> {
    const usedPorts = new Set<number>();
    const usedDisplays = new Set<number>();
    for (const [userId, t] of this.tracked) {
      if (userId === avoidFor) continue;
      Object.values(t.record.ports).forEach((p) => usedPorts.add(p));
      usedDisplays.add(t.record.display);
    }
    const [gateway, gatewayInternal, vnc, rfb, cdp] = (await freePorts(5, usedPorts)) as [number, number, number, number, number];
    return [{ gateway, gatewayInternal, vnc, rfb, cdp }, freeDisplay(usedDisplays)];
  }

  /** Starts the entrypoint for `entry`, moving to fresh ports when the recorded ones are taken. */
  private async launch(entry: Tracked): Promise<void> {
    const userId = entry.record.userId;
    const paths = this.paths(userId);
    let record = entry.record;
    // An entrypoint killed outright leaves its children behind in its session: stop them first.
    if (record.pid !== undefined && !isAlive(record.pid)) await this.stop(entry);
    const portsFree = await Promise.all(Object.values(record.ports).map((p) => isPortFree(p)));
    if (portsFree.includes(false)) {
      const [ports, display] = await this.allocate(userId);
      record = { ...record, ports, display };
    }
    const token = (await readFile(paths.tokenFile, 'utf8')).trim();
    const secrets = JSON.parse(await readFile(paths.secretsFile, 'utf8')) as Record<string, string>;
    const env = buildInstanceEnv({
      base: this.options.baseEnv, record: { ...record, browser: this.browser.available }, stateDir: paths.stateDir, token, secrets,
      openclawBin: this.options.openclawBin, ...(this.browser.chromiumBin ? { chromiumBin: this.browser.chromiumBin } : {}),
    });
    let daemon;
    try {
      daemon = await startDaemon('bash', [this.options.entrypoint], { env, cwd: paths.stateDir, logFile: paths.logFile });
    } catch (err) {
      entry.phase = 'Failed';
      entry.message = `cannot start ${this.options.entrypoint}`;
      throw new RuntimeOperationFailed(`Instance "${userId}": cannot start the instance process`, { cause: err });
    }
    record = { ...record, browser: this.browser.available, pid: daemon.pid, pidStartTime: processStartTime(daemon.pid), startedAt: new Date().toISOString() };
    await writeRecord(paths.recordFile, record);
    Object.assign(entry, { record, phase: 'Starting', ready: false, message: 'gateway starting', readySince: undefined, restartAt: undefined });
    this.options.logger.info({ userId, pid: daemon.pid, browser: record.browser }, 'instance process started');
    void daemon.exited.then(({ exitCode, signal }) => {
      if (this.closed || this.tracked.get(userId) !== entry || entry.record.pid !== daemon.pid || entry.phase === 'Deleting') return;
      entry.lastExit = signal ? `killed by ${signal}` : `exited with code ${exitCode}`;
      this.markDead(entry);
    });
  }

  private markDead(entry: Tracked): void {
    if (entry.phase === 'Failed') return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** entry.restarts);
    entry.phase = 'Failed';
    entry.ready = false;
    entry.restartAt = Date.now() + delay;
    entry.message = `${entry.lastExit ?? 'process exited'}; restarting in ${Math.round(delay / 1000)}s (see ${this.paths(entry.record.userId).logFile})`;
    this.options.logger.warn({ userId: entry.record.userId, exit: entry.lastExit, restarts: entry.restarts }, 'instance process died');
  }

  /** Refreshes one instance's phase from its process and the gateway's readiness. */
  private async observe(entry: Tracked): Promise<void> {
    const { pid, pidStartTime } = entry.record;
    if (entry.phase === 'Deleting') return;
    if (pid === undefined || !isSameProcess(pid, pidStartTime)) {
      this.markDead(entry);
      return;
    }
    const ready = await probeGatewayReady(entry.record.ports.gateway);
    if (isDeleting(entry) || entry.record.pid !== pid) return;
    entry.lastProbeAt = Date.now();
    if (ready) {
      entry.readySince ??= Date.now();
      if (Date.now() - entry.readySince > STABLE_MS) entry.restarts = 0;
      Object.assign(entry, { phase: 'Running', ready: true, message: 'gateway ready' });
    } else {
      Object.assign(entry, { phase: 'Starting', ready: false, readySince: undefined, message: 'gateway starting (waiting for /readyz)' });
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const entry of this.tracked.values()) {
        const userId = entry.record.userId;
        if (this.locks.isHeld(userId)) continue;
        if (entry.phase === 'Failed') {
          if ((entry.restartAt ?? 0) <= Date.now()) {
            entry.restarts += 1;
            await this.locks.run(userId, 'restart', () => this.launch(entry)).catch((err: unknown) => {
              this.options.logger.error({ err, userId }, 'instance restart failed');
              entry.phase = 'Pending';
              this.markDead(entry);
            });
          }
          continue;
        }
        if (entry.phase === 'Running' && Date.now() - (entry.lastProbeAt ?? 0) < RUNNING_PROBE_EVERY_MS) continue;
        await this.observe(entry);
      }
    } finally {
      this.ticking = false;
    }
  }

  /** SIGTERM to the entrypoint (it stops its children), then SIGKILL to whatever is left of the session. */
  private async stop(entry: Tracked): Promise<void> {
    const { pid, pidStartTime } = entry.record;
    if (pid === undefined) return;
    if (isSameProcess(pid, pidStartTime)) signal(pid, 'SIGTERM');
    else if (isAlive(pid)) return; // the pid now belongs to someone else; its session is not ours
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 30_000);
    while (sessionProcesses(pid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = sessionProcesses(pid);
    if (left.length > 0) {
      this.options.logger.warn({ userId: entry.record.userId, pids: left }, 'instance did not stop in time; killing what is left');
      for (const p of left) signal(p, 'SIGKILL');
    }
  }
}

// A separate function so the check is not narrowed away across awaits.
function isDeleting(entry: Tracked): boolean {
  return entry.phase === 'Deleting';
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

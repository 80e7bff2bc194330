// Keeps the local runtime's processes alive, like a kubelet: launches an instance's entrypoint,
// stops it, follows it (process alive, gateway ready) and restarts one that died with exponential
// backoff. Instances a user stopped, and any whose lock is held by an operation, are left alone.
import { readFile } from 'node:fs/promises';
import { backoffDelay, type Backoff } from '../../backoff.js';
import type { Logger } from '../../logger.js';
import { startDaemon } from '../../process/spawn.js';
import { RuntimeOperationFailed } from '../runtime-errors.js';
import type { UserLocks } from '../user-lock.js';
import type { BrowserSupport } from './browser-support.js';
import { freeDisplay, freePorts, isPortFree } from './free-ports.js';
import { buildInstanceEnv } from './instance-env.js';
import { logEnd } from './instance-log.js';
import { writeRecord, type InstanceRecord } from './instance-record.js';
import type { LocalPaths } from './local-paths.js';
import type { Tracked } from './local-status.js';
import { isAlive, isSameProcess, processStartTime } from './process-table.js';
import { probeGatewayReady } from './readiness-probe.js';
import { stopSession } from './stop-session.js';

export interface LocalSupervisorOptions {
  readonly entrypoint: string;
  /** The OpenClaw launcher for an instance's image tag. */
  readonly openclawBin: (imageTag: string | undefined) => string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly browser: BrowserSupport;
  readonly logger: Logger;
  /** Grace before SIGKILL when stopping (default 30 s; the entrypoint's own grace is 20 s). */
  readonly stopTimeoutMs?: number;
  readonly paths: (userId: string) => LocalPaths;
}

const RESTART_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000 };
const STABLE_MS = 60_000;
const RUNNING_PROBE_EVERY_MS = 5_000;

export class LocalSupervisor {
  private ticking = false;
  /** Set by close(): exits seen afterwards are the manager's own shutdown, not crashes. */
  closed = false;

  constructor(
    private readonly tracked: Map<string, Tracked>,
    private readonly locks: UserLocks,
    private readonly options: LocalSupervisorOptions,
  ) {}

  /** Free ports and an X display, none used by another tracked instance. */
  async allocate(avoidFor?: string): Promise<[InstanceRecord['ports'], number]> {
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
  async launch(entry: Tracked): Promise<void> {
    const userId = entry.record.userId;
    const paths = this.options.paths(userId);
    // An entrypoint killed outright leaves its children behind in its session: stop them first.
    if (entry.record.pid !== undefined && !isAlive(entry.record.pid)) await this.halt(entry);
    let record = entry.record;
    const portsFree = await Promise.all(Object.values(record.ports).map((p) => isPortFree(p)));
    if (portsFree.includes(false)) {
      const [ports, display] = await this.allocate(userId);
      record = { ...record, ports, display };
    }
    const { browser } = this.options;
    const token = (await readFile(paths.tokenFile, 'utf8')).trim();
    const secrets = JSON.parse(await readFile(paths.secretsFile, 'utf8')) as Record<string, string>;
    const env = buildInstanceEnv({
      base: this.options.baseEnv, record: { ...record, browser: browser.available }, stateDir: paths.stateDir, token, secrets,
      openclawBin: this.options.openclawBin(record.imageTag), ...(browser.chromiumBin ? { chromiumBin: browser.chromiumBin } : {}),
    });
    const logOffset = await logEnd(paths.logFile);
    let daemon;
    try {
      daemon = await startDaemon('bash', [this.options.entrypoint], { env, cwd: paths.stateDir, logFile: paths.logFile });
    } catch (err) {
      entry.phase = 'Failed';
      entry.message = `cannot start ${this.options.entrypoint}`;
      throw new RuntimeOperationFailed(`Instance "${userId}": cannot start the instance process`, { cause: err });
    }
    record = { ...withoutStopped(record), browser: browser.available, pid: daemon.pid, pidStartTime: processStartTime(daemon.pid), startedAt: new Date().toISOString() };
    await writeRecord(paths.recordFile, record);
    Object.assign(entry, { record, phase: 'Starting', ready: false, message: 'gateway starting', readySince: undefined, restartAt: undefined, logOffset });
    this.options.logger.info({ userId, pid: daemon.pid, browser: record.browser }, 'instance process started');
    void daemon.exited.then(({ exitCode, signal }) => {
      if (this.closed || this.tracked.get(userId) !== entry || entry.record.pid !== daemon.pid || entry.phase === 'Deleting') return;
      entry.lastExit = signal ? `killed by ${signal}` : `exited with code ${exitCode}`;
      this.markDead(entry);
    });
  }

  /**
   * Stops the instance's processes. The pid leaves the record first, so the exit that follows is
   * not taken for a crash (and restarted).
   */
  async halt(entry: Tracked): Promise<void> {
    const { pid, pidStartTime, ...rest } = entry.record;
    entry.record = rest;
    await stopSession(pid, pidStartTime, {
      timeoutMs: this.options.stopTimeoutMs ?? 30_000,
      onKill: (pids) => this.options.logger.warn({ userId: rest.userId, pids }, 'instance did not stop in time; killing what is left'),
    });
  }

  /** Refreshes one instance's phase from its process and the gateway's readiness. */
  async observe(entry: Tracked): Promise<void> {
    const { pid, pidStartTime } = entry.record;
    if (isLeftAlone(entry)) return;
    if (pid === undefined || !isSameProcess(pid, pidStartTime)) {
      this.markDead(entry);
      return;
    }
    const ready = await probeGatewayReady(entry.record.ports.gateway);
    if (isLeftAlone(entry) || entry.record.pid !== pid) return;
    entry.lastProbeAt = Date.now();
    if (ready) {
      entry.readySince ??= Date.now();
      if (Date.now() - entry.readySince > STABLE_MS) entry.restarts = 0;
      Object.assign(entry, { phase: 'Running', ready: true, message: 'gateway ready' });
    } else {
      Object.assign(entry, { phase: 'Starting', ready: false, readySince: undefined, message: 'gateway starting (waiting for /readyz)' });
    }
  }

  /** One round over every instance: restart the dead whose backoff is over, probe the others. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const entry of this.tracked.values()) {
        const userId = entry.record.userId;
        if (this.locks.isHeld(userId) || entry.phase === 'Stopped') continue;
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

  private markDead(entry: Tracked): void {
    if (entry.phase === 'Failed') return;
    const delay = backoffDelay(entry.restarts, RESTART_BACKOFF);
    entry.phase = 'Failed';
    entry.ready = false;
    entry.restartAt = Date.now() + delay;
    entry.message = `${entry.lastExit ?? 'process exited'}; restarting in ${Math.round(delay / 1000)}s (see ${this.options.paths(entry.record.userId).logFile})`;
    this.options.logger.warn({ userId: entry.record.userId, exit: entry.lastExit, restarts: entry.restarts }, 'instance process died');
  }
}

/** The record of a running instance: not marked stopped any more. */
function withoutStopped(record: InstanceRecord): InstanceRecord {
  const copy = { ...record };
  delete (copy as { stopped?: boolean }).stopped;
  return copy;
}

// A separate function so the check is not narrowed away across awaits.
function isLeftAlone(entry: Tracked): boolean {
  return entry.phase === 'Deleting' || entry.phase === 'Stopped';
}

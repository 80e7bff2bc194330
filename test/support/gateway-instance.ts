// Real OpenClaw instances for tests: scripts/instance-entrypoint.sh on free ports with a temp state
// dir and a random token, started in its own session so everything it spawned can be found (and
// proven gone) through /proc. The pinned OpenClaw comes from scripts/install-openclaw.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitForGateway } from './wait-for-gateway.js';
import type { HelloOk } from '../../manager/src/gateway/protocol.js';
import { machineEnv } from './machine-env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRYPOINT = path.join(ROOT, 'scripts/instance-entrypoint.sh');

export interface InstancePorts {
  readonly gateway: number;
  readonly internal: number;
  readonly vnc: number;
  readonly rfb: number;
  readonly cdp: number;
}

export interface StartInstanceOptions {
  /** Xvfb, x11vnc, websockify/noVNC and Chromium too (default false). */
  readonly browser?: boolean;
  /** Reuse ports (e.g. to restart on the same port); fresh free ports otherwise. */
  readonly ports?: InstancePorts;
  /** Reuse a state dir; a temp dir (removed by stop()) otherwise. */
  readonly stateDir?: string;
  readonly token?: string;
  /** Extra environment for the entrypoint. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the first successful connect (default 240 s: first start installs the plugin). */
  readonly readyTimeoutMs?: number;
}

export interface GatewayInstance {
  readonly gatewayUrl: string;
  readonly token: string;
  readonly ports: InstancePorts;
  readonly vncPort: number;
  readonly display: string;
  readonly stateDir: string;
  /** The entrypoint's pid; it leads its own session and process group. */
  readonly pid: number;
  readonly hello: HelloOk;
  /** Milliseconds from spawn to the first successful authenticated connect. */
  readonly startMs: number;
  /** Resolves with the entrypoint's exit code (or the signal name) once it exits. */
  readonly exited: Promise<number | string>;
  /** Pids the entrypoint recorded in $state/run/<name>.pid, by name. */
  pids(): Record<string, number>;
  /** Every live process of the instance (its session). */
  processes(): number[];
  /** What the entrypoint and its children printed so far. */
  logs(): string;
  /** SIGTERM, wait for exit (SIGKILL to the group after 60 s); removes a temp state dir. */
  stop(): Promise<number | string>;
}

let openclawBin: string | undefined;

/** The pinned openclaw launcher: $OPENCLAW_BIN, else scripts/install-openclaw (fast when installed). */
export function ensureOpenclaw(): string {
  openclawBin ??= process.env.OPENCLAW_BIN || execFileSync('bash', [path.join(ROOT, 'scripts/install-openclaw')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return openclawBin;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function freePorts(): Promise<InstancePorts> {
  const taken = new Set<number>();
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return taken.add(port), port;
    }
  };
  return { gateway: await next(), internal: await next(), vnc: await next(), rfb: await next(), cdp: await next() };
}

/** An X display number with no socket and no lock, starting at a random point to dodge other runs. */
export function freeDisplay(): string {
  const start = 200 + Math.floor(Math.random() * 700);
  for (let i = 0; i < 700; i++) {
    const n = 200 + ((start - 200 + i) % 700);
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return `:${n}`;
  }
  throw new Error('no free X display between :200 and :899');
}

/** Live pids whose session id is `sid` (field 6 of /proc/<pid>/stat). */
export function sessionProcesses(sid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state: a zombie is already gone for our purposes.
      if (fields[0] !== 'Z' && Number(fields[3]) === sid) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** Resident memory of one process in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function readPids(stateDir: string): Record<string, number> {
  const dir = path.join(stateDir, 'run');
  const out: Record<string, number> = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(readFileSync(path.join(dir, file), 'utf8').trim());
    if (pid > 0) out[file.slice(0, -4)] = pid;
  }
  return out;
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    if (child.signalCode !== null) return resolve(child.signalCode);
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}

/** Starts one instance and resolves once an authenticated connect succeeds. */
export async function startInstance(options: StartInstanceOptions = {}): Promise<GatewayInstance> {
  const bin = ensureOpenclaw();
  const ports = options.ports ?? (await freePorts());
  const ownState = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'openclaw-instance-'));
  const token = options.token ?? randomBytes(24).toString('base64url');
  const display = freeDisplay();
  const env: Record<string, string> = {
    ...machineEnv(),
    OPENCLAW_BIN: bin,
    OPENCLAW_GATEWAY_TOKEN: token,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_GATEWAY_PORT: String(ports.gateway),
    OPENCLAW_GATEWAY_BIND: '127.0.0.1',
    OPENCLAW_GATEWAY_INTERNAL_PORT: String(ports.internal),
    OPENCLAW_BROWSER_ENABLED: String(options.browser ?? false),
    OPENCLAW_VNC_PORT: String(ports.vnc),
    OPENCLAW_RFB_PORT: String(ports.rfb),
    OPENCLAW_CDP_PORT: String(ports.cdp),
    OPENCLAW_DISPLAY: display,
    ...options.env,
  };
  const spawnedAt = Date.now();
  const child = spawn('bash', [ENTRYPOINT], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the entrypoint did not start');
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-256 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = exitOf(child);
  const gatewayUrl = `ws://127.0.0.1:${ports.gateway}`;

  const stop = async (): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 60_000);
    const code = await exited;
    clearTimeout(timer);
    if (ownState) rmSync(stateDir, { recursive: true, force: true });
    return code;
  };

  const early = exited.then((code) => {
    throw new Error(`the entrypoint exited (${code}) before the gateway was ready:\n${output.slice(-4000)}`);
  });
  let hello: HelloOk;
  try {
    hello = await Promise.race([waitForGateway(gatewayUrl, token, options.readyTimeoutMs ?? 240_000), early]);
  } catch (err) {
    await stop();
    throw err;
  }
  early.catch(() => undefined);
  return {
    gatewayUrl,
    token,
    ports,
    vncPort: ports.vnc,
    display,
    stateDir,
    pid,
    hello,
    startMs: Date.now() - spawnedAt,
    exited,
    pids: () => readPids(stateDir),
    processes: () => sessionProcesses(pid),
    logs: () => output,
    stop,
  };
}

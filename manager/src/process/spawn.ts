// The only module that starts processes. Commands run with an explicit environment (never the
// manager's own implicitly), argument arrays (never a shell), and report instead of throwing on a
// non-zero exit; callers decide what an exit code means.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';

export interface RunOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Kill the command after this long (default: no limit). */
  readonly timeoutMs?: number;
  /** Written to the command's stdin. */
  readonly input?: string;
}

export interface RunResult {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Thrown when the executable cannot be started at all; `code` is e.g. ENOENT or EACCES. */
export class CommandNotStarted extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot run ${file}: ${code}`, options);
    this.name = 'CommandNotStarted';
  }
}

/** Runs a command to completion. */
export async function runCommand(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await execa(file, args, {
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
  });
  const startError = (result as { cause?: { code?: unknown } }).cause;
  if (result.exitCode === undefined && !result.timedOut && typeof startError?.code === 'string') {
    throw new CommandNotStarted(file, startError.code, { cause: startError });
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
}

export interface DaemonOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
}

export interface Daemon {
  readonly pid: number;
  /** Settles when the process exits (only observable while this manager is its parent). */
  readonly exited: Promise<{ exitCode: number | undefined; signal: string | undefined }>;
}

/**
 * Starts a long-running process in its own session (process group), so it outlives this manager and
 * can be stopped as a group.
 */
export async function startDaemon(file: string, args: readonly string[], options: DaemonOptions): Promise<Daemon> {
  // The child gets the log file itself (not a pipe through this process), so its output keeps
  // working after the manager exits.
  const fd = openSync(options.logFile, 'a', 0o600);
  try {
    // child_process directly: execa cannot hand a child a raw file descriptor.
    const subprocess = spawn(file, [...args], {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const exited = new Promise<{ exitCode: number | undefined; signal: string | undefined }>((resolve) => {
      subprocess.once('exit', (code, signal) => resolve({ exitCode: code ?? undefined, signal: signal ?? undefined }));
    });
    const spawned = new Promise<number>((resolve, reject) => {
      subprocess.once('spawn', () => resolve(subprocess.pid ?? -1));
      subprocess.once('error', reject);
    });
    let pid: number;
    try {
      pid = await spawned;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new CommandNotStarted(file, typeof code === 'string' ? code : 'unknown', { cause: err });
    }
    // Later errors (e.g. a failed kill) must not crash the manager.
    subprocess.on('error', () => undefined);
    subprocess.unref();
    return { pid, exited };
  } finally {
    closeSync(fd);
  }
}

export interface StreamOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Piped to the command's stdin (default: none). */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface StreamedCommand {
  /** What the command writes, to be consumed by the caller. */
  readonly stdout: NodeJS.ReadableStream;
  /** Settles when it exits, with the end of what it printed on stderr. */
  readonly done: Promise<{ exitCode: number | undefined; stderr: string }>;
  kill(): void;
}

const STDERR_KEPT = 4096;

/** Starts a command that streams: an archive piped in, or one read out. */
export function streamCommand(file: string, args: readonly string[], options: StreamOptions): StreamedCommand {
  const child = spawn(file, [...args], {
    env: options.env,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  // A command that stops reading (it failed) must not make the pipe throw.
  child.stdin.on('error', () => undefined);
  if (options.stdin) options.stdin.pipe(child.stdin);
  else child.stdin.end();
  const done = new Promise<{ exitCode: number | undefined; stderr: string }>((resolve, reject) => {
    child.once('error', (err) => {
      const code = (err as { code?: unknown }).code;
      reject(new CommandNotStarted(file, typeof code === 'string' ? code : 'unknown', { cause: err }));
    });
    child.once('close', (code) => resolve({ exitCode: code ?? undefined, stderr }));
  });
  return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}

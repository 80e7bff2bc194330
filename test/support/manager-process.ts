// The manager as it runs in production: `node manager/dist/main.js` (built by the global setup) in
// its own process group, configured by environment. For tests and benchmarks that kill it, restart
// it, or measure its memory. Its log lines go to the secret capture; so do the keys it is given.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ensureOpenclaw, freePort } from './gateway-instance.js';
import { requestJson, type JsonResponse, type RequestOptions } from './manager-http.js';
import { kill } from './process-table.js';
import { noteSecret, recordOutput } from './secret-capture.js';
import { machineEnv } from './machine-env.js';

const MAIN = path.resolve(import.meta.dirname, '../../manager/dist/main.js');

export interface ManagerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process exits. */
  readonly exited: Promise<number | string>;
  /** A request with the manager's API key; `body` values under `secrets` are noted as secrets. */
  api(method: string, path: string, body?: unknown, options?: Omit<RequestOptions, 'key' | 'body'>): Promise<JsonResponse>;
  /** The last lines it printed. */
  logs(): string;
  /** SIGKILL to the manager alone, or to its whole process group (the manager and its helm). */
  crash(scope: 'process' | 'group'): Promise<void>;
  /** SIGTERM and wait (graceful shutdown). */
  stop(): Promise<number | string>;
}

export interface ManagerProcessOptions {
  /** The manager's environment (OPENCLAW_MANAGER_API_KEY and the runtime's settings); PORT is chosen here. */
  readonly env: Readonly<Record<string, string>>;
  /** Record log lines for the secret scan (default true; benchmarks turn it off). */
  readonly capture?: boolean;
  readonly readyTimeoutMs?: number;
}

/** Settings for a manager on the local runtime keeping its instances under `dataDir`. */
export function localRuntimeEnv(dataDir: string, apiKey: string): Record<string, string> {
  return {
    ...machineEnv(),
    OPENCLAW_MANAGER_API_KEY: apiKey,
    OPENCLAW_RUNTIME: 'local',
    OPENCLAW_LOCAL_DATA_DIR: dataDir,
    OPENCLAW_BIN: ensureOpenclaw(),
    OPENCLAW_LOG_LEVEL: 'info',
  };
}

/** Polls GET /api/instances/:userId until the instance is Running and ready; returns it. */
export async function waitRunning<T = unknown>(api: ManagerProcess['api'], userId: string, timeoutMs = 280_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: JsonResponse | undefined;
  while (Date.now() < deadline) {
    last = await api('GET', `/api/instances/${userId}`);
    const body = last.body as { phase?: string; ready?: boolean } | undefined;
    if (last.status === 200 && body?.phase === 'Running' && body.ready === true) return last.body as T;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${userId} did not become Running in ${timeoutMs} ms: ${last?.text}`);
}

/**
 * Requests to a manager at `url` with its key; with `capture`, secrets in bodies are noted and every
 * response is recorded for the secret scan.
 */
export function managerClient(url: string, key: string, capture = true): ManagerProcess['api'] {
  return (method, p, body, extra = {}) => {
    const secrets = (body as { secrets?: Record<string, unknown> } | undefined)?.secrets;
    if (capture && secrets) for (const value of Object.values(secrets)) if (typeof value === 'string') noteSecret(value);
    return requestJson(url, method, p, { ...extra, key, ...(body !== undefined ? { body } : {}) }).then((res) => {
      if (capture) recordOutput(`response ${method} ${p.split('?')[0]} ${res.status}`, res.text);
      return res;
    });
  };
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
}

export async function startManagerProcess(options: ManagerProcessOptions): Promise<ManagerProcess> {
  const port = await freePort();
  const key = options.env.OPENCLAW_MANAGER_API_KEY ?? '';
  const capture = options.capture ?? true;
  if (capture) noteSecret(key);
  const child = spawn(process.execPath, [MAIN], {
    env: { ...options.env, PORT: String(port), OPENCLAW_MANAGER_HOST: '127.0.0.1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the manager did not start');
  const exited = exitOf(child);
  let tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (capture) recordOutput('manager-process', line);
      tail = [...tail.slice(-199), line];
    });
  }
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let gone: number | string | undefined;
  void exited.then((code) => (gone = code));
  for (;;) {
    if (gone !== undefined) throw new Error(`the manager exited (${gone}) before answering /health:\n${tail.join('\n')}`);
    const ok = await requestJson(url, 'GET', '/health').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      kill(-pid, 'SIGKILL');
      throw new Error(`the manager did not answer /health in time:\n${tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid,
    exited,
    api: managerClient(url, key, capture),
    logs: () => tail.join('\n'),
    crash: async (scope) => {
      kill(scope === 'group' ? -pid : pid, 'SIGKILL');
      await exited;
    },
    stop: async () => {
      kill(pid, 'SIGTERM');
      const timer = setTimeout(() => kill(-pid, 'SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

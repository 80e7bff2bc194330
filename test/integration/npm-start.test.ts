// `npm start` as a newcomer runs it: a key that will not do is refused before anything is installed;
// killing the PID the shell got (npm's) takes the manager down with it, and the port is free again;
// a second manager on a taken port says so in one line and leaves before it adopts or restarts any
// instance.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureOpenclaw, freePort } from '../support/gateway-instance.js';
import { machineEnv } from '../support/machine-env.js';
import { requestJson } from '../support/manager-http.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'npm-start-test-key-0123456789abcdef';

/** Pids of managers (manager/dist/main.js) whose environment names `dataDir`. */
function managersOf(dataDir: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('manager/dist/main.js') &&
        readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`OPENCLAW_LOCAL_DATA_DIR=${dataDir}`);
    } catch {
      return false;
    }
  });
}

const answers = (port: number): Promise<boolean> => requestJson(`http://127.0.0.1:${port}`, 'GET', '/health').then((r) => r.status === 200, () => false);

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'openclaw-npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a too-short API key before it builds or installs anything, without announcing a manager', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'openclaw-npm-start-cache-'));
    try {
      const env: Record<string, string> = { ...machineEnv(), OPENCLAW_MANAGER_API_KEY: 'short', OPENCLAW_PLATFORM_CACHE: cache, OPENCLAW_LOCAL_DATA_DIR: dataDir };
      delete env.OPENCLAW_BIN;
      const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      npm.stdout.on('data', (c: Buffer) => (output += c.toString()));
      npm.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise((resolve) => npm.once('exit', resolve));
      expect(code).not.toBe(0);
      expect(output).toContain('openclaw-manager: invalid configuration:\n  - OPENCLAW_MANAGER_API_KEY must be at least 16 characters');
      expect(output).not.toContain('manager on http');
      expect(output, 'refused before the build').not.toMatch(/bundles up to date|==> built/);
      expect(readdirSync(cache)).toEqual([]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 120_000);

  it('killing the PID of `npm start &` leaves no manager behind and frees the port', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...machineEnv(), OPENCLAW_MANAGER_API_KEY: KEY, PORT: String(port), OPENCLAW_LOCAL_DATA_DIR: dataDir, OPENCLAW_BIN: ensureOpenclaw() },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => npm.once('exit', resolve));
    await eventually('the manager to answer /health', () => answers(port), 120_000);
    expect(managersOf(dataDir)).toHaveLength(1);
    npm.kill('SIGTERM');
    await exited;
    await eventually('no manager left', () => managersOf(dataDir).length === 0);
    expect(await answers(port)).toBe(false);
  }, 180_000);

  it('a second manager on a taken port exits with one line and adopts nothing', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    // An instance the manager would restart at once (its process is not running) if it got that far.
    const runtimeDir = path.join(dataDir, 'carol', 'runtime');
    mkdirSync(runtimeDir, { recursive: true });
    const record = { version: 1, userId: 'carol', createdAt: new Date().toISOString(), ports: { gateway: 1, gatewayInternal: 2, vnc: 3, rfb: 4, cdp: 5 }, display: 150, browser: false, pid: 999_999 };
    writeFileSync(path.join(runtimeDir, 'instance.json'), JSON.stringify(record));
    writeFileSync(path.join(runtimeDir, 'gateway-token'), 'token-of-carol-0123456789');
    writeFileSync(path.join(runtimeDir, 'secrets.json'), '{}');
    try {
      const manager = spawn(process.execPath, ['manager/dist/main.js'], {
        cwd: ROOT,
        env: { ...machineEnv(), OPENCLAW_MANAGER_API_KEY: KEY, PORT: String(port), OPENCLAW_MANAGER_HOST: '127.0.0.1', OPENCLAW_RUNTIME: 'local', OPENCLAW_LOCAL_DATA_DIR: dataDir, OPENCLAW_BIN: ensureOpenclaw() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      manager.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      manager.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise((resolve) => manager.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toBe(`openclaw-manager: 127.0.0.1:${port} is already in use (another manager? stop it, or set PORT); nothing was started\n`);
      expect(stdout).toBe('');
      expect(existsSync(path.join(runtimeDir, 'instance.log'))).toBe(false);
      expect(JSON.parse(readFileSync(path.join(runtimeDir, 'instance.json'), 'utf8'))).toEqual(record);
    } finally {
      taken.close();
    }
  });
});

// The README as executable documentation: every command of its Manager API (Lifecycle included),
// WhatsApp and VNC sections runs as written, in one bash session like a reader's terminal, against
// `npm start` (the real manager, local runtime, real gateways and browser). Each answer is checked
// against what the README says of it: the status it names, the fields it shows. A command the table
// below does not know, or an entry no command matches, fails the suite, so an edited example is
// either run here or the edit is seen.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOpenclaw } from '../support/gateway-instance.js';
import { machineEnv } from '../support/machine-env.js';
import { requestJson } from '../support/manager-http.js';
import { readmeCommands, type ReadmeCommand } from '../support/readme-examples.js';
import { ShellSession } from '../support/shell-session.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECTIONS = ['Manager API', 'WhatsApp pairing', 'The browser screen (VNC)'];
/** The README's own address for the manager; the test refuses to run when something else holds it. */
const PORT = 3000;

/** What one command's run shows: the last HTTP answer any curl in it got, and its output. */
interface Observed {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly stdout: string;
  readonly json: unknown;
}

interface Expectation {
  /** A state of the world the README's prose takes for granted before this command (made through the API). */
  readonly given?: 'alice ready' | 'alice exists';
  /** The last curl's status, or the statuses any environment may give (e.g. online or offline). */
  readonly status?: number | readonly number[];
  readonly check?: (seen: Observed) => void;
}

const NOT_RUN: Record<string, string> = {
  'npm start &': 'the test starts npm start itself, with the same environment',
  'helm ': 'helm openclaw is run by test/integration/lifecycle-local, whatsapp-real-gateway and openclaw-plugin-cluster',
  'bash scripts/deploy-user.sh': 'needs a cluster: test/integration/deploy-user-upgrade-all runs it',
};

const instance = (fields: Record<string, unknown>) => (seen: Observed) => expect(seen.json).toMatchObject(fields);

const EXPECTED: Record<string, Expectation> = {
  'export OPENCLAW_MANAGER_API_KEY="$(openssl rand -hex 32)"': {},
  'M=http://127.0.0.1:3000; AUTH="Authorization: Bearer $OPENCLAW_MANAGER_API_KEY"': {},
  'until curl -sf $M/health; do sleep 1; done': { status: 200, check: (seen) => expect(seen.json).toEqual({ ok: true }) },
  'curl -s $M/openapi.json | head -c 200': { status: 200, check: (seen) => expect(seen.stdout).toMatch(/^\{"openapi":"3\.1\.0"/) },
  'curl -s $M/api/instances': {
    status: 401,
    check: (seen) => expect(seen.json).toEqual({ error: 'Missing or invalid Authorization header', code: 'AUTHENTICATION_REQUIRED' }),
  },
  'curl -s -X POST $M/api/instances -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"userId":"alice","secrets":{"ANTHROPIC_API_KEY":"sk-ant-..."}}\'': {
    status: [201, 202],
    check: instance({ userId: 'alice', phase: expect.stringMatching(/^(Pending|Starting|Running)$/) }),
  },
  'curl -s $M/api/instances -H "$AUTH"': { status: 200, check: instance({ instances: [{ userId: 'alice' }] }) },
  'until curl -s $M/api/instances/alice -H "$AUTH" | grep -q \'"ready":true\'; do sleep 1; done': { status: 200 },
  'curl -s $M/api/instances/alice -H "$AUTH"': { status: 200, check: instance({ userId: 'alice', phase: 'Running', ready: true }) },
  'curl -s -X POST $M/api/instances/alice/rpc -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"method":"status"}\'': {
    // Run twice: while alice runs (the Manager API block), and once stopped (Lifecycle).
    status: [200, 409],
    check: (seen) => {
      if (seen.status === 200) expect(seen.json).toMatchObject({ result: expect.any(Object) });
      else expect(seen.json).toEqual({ error: 'Instance "alice" is stopped; start it first (POST /api/instances/alice/start)', code: 'INSTANCE_STOPPED' });
    },
  },
  'curl -s -X POST $M/api/instances/alice/rpc -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"method":"channels.status","params":{},"timeoutMs":15000}\'': {
    status: 200,
    check: instance({ result: { channels: expect.any(Object) } }),
  },
  'curl -s $M/metrics -H "$AUTH"': {
    status: 200,
    check: (seen) => expect(seen.stdout).toMatch(/^openclaw_manager_http_requests_total\{method="POST",route="\/api\/instances\/:userId\/rpc",status="200"\} \d+$/m),
  },
  'curl -s -X DELETE $M/api/instances/alice -H "$AUTH"': {
    status: 200,
    check: instance({ deleted: true, userId: 'alice', dataVolume: { kept: true } }),
  },
  'curl -s -X DELETE "$M/api/instances/alice?preservePvc=false" -H "$AUTH"': {
    given: 'alice exists',
    status: 200,
    check: instance({ deleted: true, userId: 'alice', dataVolume: { kept: false } }),
  },
  'curl -s -X POST $M/api/instances/alice/stop -H "$AUTH"': {
    given: 'alice ready',
    status: 200,
    check: instance({ userId: 'alice', phase: 'Stopped', ready: false }),
  },
  'curl -s -X POST $M/api/instances/alice/start -H "$AUTH"': { status: 202, check: instance({ phase: 'Starting' }) },
  'curl -sN $M/api/instances/alice/progress -H "$AUTH"': {
    status: 200,
    check: (seen) => {
      const events = seen.stdout.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { progress: number });
      expect(events.length).toBeGreaterThan(2);
      expect(events.at(-1)).toEqual({ progress: 100, message: 'gateway ready', ready: true, failed: false });
      expect(events.map((e) => e.progress)).toEqual(events.map((e) => e.progress).sort((a, b) => a - b));
    },
  },
  'RUN=$(curl -s -X POST $M/api/fleet/upgrade -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"imageTag":"2026.9.7","maxUnavailable":2}\' -o /dev/null -w \'%header{location}\')': {
    status: 202,
    check: (seen) => expect(seen.headers.location).toMatch(/^\/api\/fleet\/upgrade\/[0-9a-f]{12}$/),
  },
  'while curl -s $M$RUN -H "$AUTH" | grep -q \'"state":"running"\'; do sleep 2; done': { status: 200 },
  'curl -s $M$RUN -H "$AUTH"': {
    status: 200,
    check: instance({ state: 'succeeded', counts: { upgraded: 1 }, results: [{ userId: 'alice', status: 'upgraded', message: 'running 2026.9.7' }] }),
  },
  'RUN=$(curl -s -X POST $M/api/fleet/upgrade -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"imageTag":"2026.9.8","canary":{"count":1,"soakSeconds":10}}\' -o /dev/null -w \'%header{location}\')': {
    status: 202,
    check: (seen) => expect(seen.headers.location).toMatch(/^\/api\/fleet\/upgrade\/[0-9a-f]{12}$/),
  },
  'curl -s $M/api/instances/alice/revisions -H "$AUTH"': {
    status: 200,
    check: instance({
      userId: 'alice',
      revisions: [
        { revision: 3, imageTag: '2026.9.8', imageDigest: null, status: 'deployed', cause: expect.stringMatching(/^fleet run [0-9a-f]{12}: upgrade to 2026\.9\.8$/) },
        { revision: 2, imageTag: '2026.9.7', status: 'superseded' },
        { revision: 1, cause: 'create' },
      ],
    }),
  },
  'curl -s -X POST $M/api/instances/alice/rollback -H "$AUTH"': { status: 200, check: instance({ userId: 'alice', phase: 'Running', ready: true, imageTag: '2026.9.7' }) },
  'B=$(curl -s -X POST $M/api/instances/alice/backups -H "$AUTH" -o /dev/null -w \'%header{location}\')': {
    given: 'alice ready',
    status: 202,
    check: (seen) => expect(seen.headers.location).toMatch(/^\/api\/instances\/alice\/backups\/[0-9a-f]{12}$/),
  },
  'while curl -s $M$B -H "$AUTH" | grep -q \'"state":"pending"\'; do sleep 1; done': { status: 200 },
  'curl -s $M$B -H "$AUTH"': {
    status: 200,
    check: (seen) => {
      expect(seen.json).toMatchObject({ userId: 'alice', state: 'ready', consistency: 'stopped', reason: 'requested', wasRunning: true, error: null });
      expect((seen.json as { offlineSeconds: number }).offlineSeconds).toBeGreaterThan(0);
    },
  },
  'curl -s $M/api/instances/alice/backups -H "$AUTH"': { status: 200, check: instance({ userId: 'alice', backups: [{ state: 'ready' }] }) },
  'curl -s -X POST $M/api/instances/alice/restore -H "$AUTH" -H \'Content-Type: application/json\' -d "{\\"backupId\\":\\"${B##*/}\\"}"': {
    status: 200,
    check: instance({ userId: 'alice', phase: 'Running' }),
  },
  'curl -s -X POST $M/api/instances -H "$AUTH" -H \'Content-Type: application/json\' -d "{\\"userId\\":\\"carol\\",\\"fromBackup\\":{\\"userId\\":\\"alice\\",\\"backupId\\":\\"${B##*/}\\"}}"': {
    status: [201, 202],
    check: instance({ userId: 'carol' }),
  },
  'curl -s -X DELETE "$M/api/instances/carol?preservePvc=false" -H "$AUTH"': { status: 200, check: instance({ deleted: true, userId: 'carol' }) },
  'curl -s $M$B/export -H "$AUTH" -o alice.tar.gz': { status: 200, check: (seen) => expect(seen.headers['content-type']).toBe('application/gzip') },
  'curl -s -X POST $M/api/instances/alice/backups/import -H "$AUTH" -H \'Content-Type: application/gzip\' --data-binary @alice.tar.gz': {
    status: 201,
    check: instance({ userId: 'alice', state: 'ready', reason: 'imported' }),
  },
  'curl -s -X DELETE $M$B -H "$AUTH"': { status: 200, check: instance({ deleted: true, backup: { userId: 'alice' } }) },
  'QR=$(curl -s -X POST $M/api/instances/alice/whatsapp/qr -H "$AUTH" -H \'Content-Type: application/json\' -d \'{"force":true}\' | node -pe \'JSON.parse(require("fs").readFileSync(0)).qrDataUrl ?? ""\')': {
    given: 'alice ready',
    // WhatsApp's servers are out of reach offline: the README's 502 WHATSAPP_LOGIN_FAILED; online, a QR.
    status: [200, 502],
  },
  'curl -s -X POST $M/api/instances/alice/whatsapp/wait -H "$AUTH" -H \'Content-Type: application/json\' -d "{\\"timeoutMs\\":120000,\\"currentQrDataUrl\\":\\"$QR\\"}"': {
    status: 200,
    check: instance({ connected: false, reason: expect.stringMatching(/^(not-started|failed|expired|timeout|qr-rotated)$/) }),
  },
  'curl -s $M/api/instances/alice/whatsapp/status -H "$AUTH"': {
    status: 200,
    check: instance({ linked: false, connected: false, self: null, issues: expect.any(Array) }),
  },
  'curl -s -X POST $M/api/instances/alice/whatsapp/logout -H "$AUTH"': { status: 200, check: instance({ loggedOut: false }) },
  'curl -s -X POST $M/api/instances/alice/whatsapp/pair-ticket -H "$AUTH"': {
    status: 200,
    check: instance({ pageUrl: expect.stringMatching(/^\/pair\/alice\?ticket=[\w.-]+$/), expiresAt: expect.any(String) }),
  },
  'npx wscat -s binary -H "$AUTH" -c "ws${M#http}/api/instances/alice/vnc"': {
    given: 'alice ready',
    check: (seen) => expect(seen.stdout).toContain('RFB 003.008'),
  },
  'curl -s -X POST $M/api/instances/alice/vnc/ticket -H "$AUTH"': {
    status: 200,
    check: instance({ url: expect.stringMatching(/^\/api\/instances\/alice\/vnc\?ticket=/), viewerUrl: expect.stringMatching(/^\/viewer\/alice\?ticket=/), expiresAt: expect.any(String) }),
  },
};

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('the README examples, run as written against npm start', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'openclaw-readme-'));
  const curlLog = path.join(work, 'curl');
  const commands = readmeCommands(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), SECTIONS);
  const runnable = commands.filter((c) => !Object.keys(NOT_RUN).some((prefix) => c.line.startsWith(prefix)));
  let shell: ShellSession;
  let stopManager: (() => Promise<void>) | undefined;
  const M = `http://127.0.0.1:${PORT}`;
  let key = '';
  const api = async (method: string, urlPath: string, body?: unknown) => requestJson(M, method, urlPath, { key, ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    mkdirSync(curlLog);
    if (!(await portFree(PORT))) throw new Error(`port ${PORT}, the README's manager address, is taken: stop what listens there to run this test`);
    const env: Record<string, string> = { ...machineEnv(), OPENCLAW_LOCAL_DATA_DIR: path.join(work, 'instances'), OPENCLAW_BIN: ensureOpenclaw(), README_CURL_LOG: curlLog };
    delete env.PORT;
    // The shell works in a scratch directory: a README command may write a file (the export).
    shell = new ShellSession(env, work);
    // Every curl also writes its response headers where the test reads the status, whatever the
    // command does with curl's output (a pipe, -o, -w).
    await shell.run('curl() { command curl --dump-header "$README_CURL_LOG/$(date +%s%N)-$BASHPID" "$@"; }', 10_000);
  });

  afterAll(async () => {
    // Instances outlive their manager by design: delete alice (and her data) while it still runs.
    if (stopManager) await api('DELETE', '/api/instances/alice?preservePvc=false').catch(() => undefined);
    await stopManager?.();
    shell?.close();
    rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('knows every command of those sections, and every command it knows is in them', () => {
    expect(commands.length).toBeGreaterThan(20);
    const lines = runnable.map((c) => c.line);
    expect(lines.filter((line) => !(line in EXPECTED)), 'README commands the test does not know').toEqual([]);
    expect(Object.keys(EXPECTED).filter((line) => !lines.includes(line)), 'expectations no README command matches').toEqual([]);
    for (const command of runnable) {
      const stated = /^(\d{3})\b/.exec(command.says)?.[1];
      const expected = EXPECTED[command.line]?.status;
      if (stated) expect([expected].flat(), `${command.line} says ${stated}`).toContain(Number(stated));
    }
  });

  it('runs each one in order and gets what the README says', async () => {
    for (const command of runnable) {
      const expectation = EXPECTED[command.line] ?? {};
      if (expectation.given) await arrange(expectation.given);
      if (command.line === 'until curl -sf $M/health; do sleep 1; done') {
        const env = await shell.environment();
        key = env.OPENCLAW_MANAGER_API_KEY ?? '';
        stopManager = await startManager(env);
      }
      const seen = command.line.startsWith('npx wscat ') ? await runInteractive(command) : await runInShell(command);
      const label = `${command.line}\n${seen.stdout.slice(0, 600)}`;
      if (expectation.status !== undefined) expect([expectation.status].flat(), label).toContain(seen.status);
      expectation.check?.(seen);
    }
  }, 600_000);

  /** Makes the state the README's prose assumes, through the API (not a README command). */
  async function arrange(given: 'alice ready' | 'alice exists'): Promise<void> {
    const current = await api('GET', '/api/instances/alice');
    if (current.status === 404) expect((await api('POST', '/api/instances', { userId: 'alice' })).status).toBe(202);
    const deadline = Date.now() + 120_000;
    while (given === 'alice ready' && ((await api('GET', '/api/instances/alice')).body as { ready?: boolean } | undefined)?.ready !== true) {
      if (Date.now() > deadline) throw new Error('alice did not become ready within 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function runInShell(command: ReadmeCommand): Promise<Observed> {
    const before = new Set(readdirSync(curlLog));
    const result = await shell.run(command.text, 300_000);
    expect(result.exitCode, `${command.line}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return observe(before, result.stdout);
  }

  function observe(before: Set<string>, stdout: string): Observed {
    const last = readdirSync(curlLog).filter((f) => !before.has(f)).sort().at(-1);
    const head = last ? readFileSync(path.join(curlLog, last), 'utf8') : '';
    const headers = Object.fromEntries(
      head.split('\r\n').slice(1).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
    return { status: head ? Number(head.split(' ')[1]) : undefined, headers, stdout, json };
  }

  /** An interactive client (wscat) runs as its own process with the session's variables, until it shows the greeting. */
  async function runInteractive(command: ReadmeCommand): Promise<Observed> {
    const child = spawn('bash', ['-c', command.text], { cwd: ROOT, env: await shell.environment(), detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('latin1')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('latin1')));
    const deadline = Date.now() + 60_000;
    try {
      while (!output.includes('RFB 003.008') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGINT');
    }
    return { status: undefined, headers: {}, stdout: output, json: undefined };
  }
});

/** `npm start` in the background as the README starts it; resolves with a way to stop it like `kill %1`. */
async function startManager(env: Record<string, string>): Promise<() => Promise<void>> {
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  return async () => {
    npm.kill('SIGTERM');
    await exited;
  };
}

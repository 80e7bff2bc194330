// The `helm openclaw` command line: argv + Helm's environment -> command, one row per case.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../manager/src/duration.js';
import { parseArgs, wantsDebug, type Env } from '../../plugins/openclaw/src/args.js';
import { UsageError } from '../../plugins/openclaw/src/errors.js';
import { helpText } from '../../plugins/openclaw/src/help.js';

const cluster = { namespace: 'openclaw' };
const KEY = 'k'.repeat(32);
const manager = { namespace: 'openclaw', managerUrl: 'http://localhost:3000', apiKey: KEY };
const MANAGER_ENV: Env = { OPENCLAW_MANAGER_URL: 'http://localhost:3000', OPENCLAW_MANAGER_API_KEY: KEY };

describe('helm openclaw args: accepted', () => {
  it.each<{ argv: string[]; env?: Env; command: unknown }>([
    { argv: [], command: { kind: 'help' } },
    { argv: ['--help'], command: { kind: 'help' } },
    { argv: ['-h'], command: { kind: 'help' } },
    { argv: ['help', 'pair'], command: { kind: 'help', topic: 'pair' } },
    { argv: ['pair', '--help'], command: { kind: 'help', topic: 'pair' } },
    { argv: ['vnc', 'alice', '-h'], command: { kind: 'help', topic: 'vnc' } },
    { argv: ['pair', 'alice'], command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: cluster } },
    { argv: ['pair', 'alice', '--force', '--timeout', '90s'], command: { kind: 'pair', userId: 'alice', force: true, timeoutMs: 90_000, connection: cluster } },
    { argv: ['pair', '--timeout=1m30s', 'alice'], command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 90_000, connection: cluster } },
    // helm eats -n and passes HELM_NAMESPACE; its own "default" means "not given".
    { argv: ['pair', 'alice'], env: { HELM_NAMESPACE: 'team-a' }, command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: { namespace: 'team-a' } } },
    { argv: ['pair', 'alice'], env: { HELM_NAMESPACE: 'default' }, command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: cluster } },
    { argv: ['pair', 'alice'], env: { HELM_NAMESPACE: 'default', OPENCLAW_NAMESPACE: 'ops' }, command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: { namespace: 'ops' } } },
    { argv: ['pair', 'alice', '-n', 'x'], env: { HELM_NAMESPACE: 'team-a' }, command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: { namespace: 'x' } } },
    {
      argv: ['status', 'alice'],
      env: { KUBECONFIG: '/k/config', HELM_KUBECONTEXT: 'kind' },
      command: { kind: 'status', userId: 'alice', json: false, connection: { namespace: 'openclaw', kubeconfig: '/k/config', kubeContext: 'kind' } },
    },
    { argv: ['status', 'alice', '--json', '--kube-context=gke'], command: { kind: 'status', userId: 'alice', json: true, connection: { namespace: 'openclaw', kubeContext: 'gke' } } },
    // Manager mode: URL from the flag or the environment, key from the environment or the flag.
    { argv: ['pair', 'alice', '--manager-url', 'http://localhost:3000/'], env: { OPENCLAW_MANAGER_API_KEY: KEY }, command: { kind: 'pair', userId: 'alice', force: false, timeoutMs: 180_000, connection: manager } },
    { argv: ['status', 'alice', `--api-key=${KEY}`], env: { OPENCLAW_MANAGER_URL: 'http://localhost:3000' }, command: { kind: 'status', userId: 'alice', json: false, connection: manager } },
    { argv: ['rpc', 'alice', 'health'], command: { kind: 'rpc', userId: 'alice', method: 'health', params: {}, timeoutMs: 30_000, connection: cluster } },
    {
      argv: ['rpc', 'alice', 'channels.status', '{"channel":"whatsapp"}', '--timeout', '5s'],
      command: { kind: 'rpc', userId: 'alice', method: 'channels.status', params: { channel: 'whatsapp' }, timeoutMs: 5_000, connection: cluster },
    },
    { argv: ['vnc', 'alice'], command: { kind: 'vnc', userId: 'alice', localPort: 0, connection: cluster } },
    { argv: ['vnc', 'alice', '--port', '6080'], command: { kind: 'vnc', userId: 'alice', localPort: 6080, connection: cluster } },
    // vnc never goes through the manager, even when the environment names one.
    { argv: ['vnc', 'alice'], env: { OPENCLAW_MANAGER_URL: 'http://m:3000' }, command: { kind: 'vnc', userId: 'alice', localPort: 0, connection: cluster } },
    { argv: ['--debug', 'status', 'alice'], command: { kind: 'status', userId: 'alice', json: false, connection: cluster } },
    { argv: ['rpc', 'alice', '--', 'status'], command: { kind: 'rpc', userId: 'alice', method: 'status', params: {}, timeoutMs: 30_000, connection: cluster } },
    { argv: ['upgrade-all', '--image-tag', 'v2'], env: MANAGER_ENV, command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, autoRollback: true, connection: manager } },
    {
      argv: ['upgrade-all', '--image-tag=2026.9.7', '--max-unavailable', '5', '--users', 'alice,bob', '--timeout', '5m', '--manager-url', 'http://localhost:3000', '--api-key', KEY],
      command: { kind: 'upgrade-all', imageTag: '2026.9.7', maxUnavailable: 5, userIds: ['alice', 'bob'], timeoutSeconds: 300, autoRollback: true, connection: manager },
    },
    // --canary is a count when it is a number, else user ids; --soak takes a bare number as seconds.
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '3'], env: MANAGER_ENV, command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, canary: { count: 3 }, autoRollback: true, connection: manager } },
    {
      argv: ['upgrade-all', '--image-tag', 'v2', '--users', 'alice,bob,carol', '--canary=bob,alice', '--soak', '2m', '--no-rollback'],
      env: MANAGER_ENV,
      command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, userIds: ['alice', 'bob', 'carol'], canary: { userIds: ['bob', 'alice'], soakSeconds: 120 }, autoRollback: false, connection: manager },
    },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', 'alice', '--soak', '0'], env: MANAGER_ENV, command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, canary: { userIds: ['alice'], soakSeconds: 0 }, autoRollback: true, connection: manager } },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '1', '--soak', '90'], env: MANAGER_ENV, command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, canary: { count: 1, soakSeconds: 90 }, autoRollback: true, connection: manager } },
    { argv: ['upgrade-all', '--help'], command: { kind: 'help', topic: 'upgrade-all' } },
    // rollback: without --revision the manager picks; the wait is sent always, 4m unless given.
    { argv: ['rollback', 'alice'], env: MANAGER_ENV, command: { kind: 'rollback', userId: 'alice', timeoutSeconds: 240, connection: manager } },
    { argv: ['rollback', 'alice', '--revision', '7', '--timeout', '90s'], env: MANAGER_ENV, command: { kind: 'rollback', userId: 'alice', revision: 7, timeoutSeconds: 90, connection: manager } },
    { argv: ['rollback', 'alice', '--revision=1', '--manager-url', 'http://localhost:3000', '--api-key', KEY], command: { kind: 'rollback', userId: 'alice', revision: 1, timeoutSeconds: 240, connection: manager } },
    { argv: ['history', 'alice'], env: MANAGER_ENV, command: { kind: 'history', userId: 'alice', json: false, connection: manager } },
    { argv: ['history', 'alice', '--json'], env: MANAGER_ENV, command: { kind: 'history', userId: 'alice', json: true, connection: manager } },
    { argv: ['rollback', '--help'], command: { kind: 'help', topic: 'rollback' } },
    { argv: ['help', 'history'], command: { kind: 'help', topic: 'history' } },
    // backup: stopped for the copy and followed for 25m unless told; --no-wait leaves the wait out.
    { argv: ['backup', 'alice'], env: MANAGER_ENV, command: { kind: 'backup', userId: 'alice', consistency: 'stopped', waitMs: 1_500_000, connection: manager } },
    { argv: ['backup', 'alice', '--online', '--timeout', '90s'], env: MANAGER_ENV, command: { kind: 'backup', userId: 'alice', consistency: 'online', waitMs: 90_000, connection: manager } },
    { argv: ['backup', '--no-wait', 'alice', '--online'], env: MANAGER_ENV, command: { kind: 'backup', userId: 'alice', consistency: 'online', connection: manager } },
    { argv: ['backups', 'alice'], env: MANAGER_ENV, command: { kind: 'backups', userId: 'alice', json: false, connection: manager } },
    { argv: ['backups', 'alice', '--json', '--manager-url', 'http://localhost:3000', '--api-key', KEY], command: { kind: 'backups', userId: 'alice', json: true, connection: manager } },
    // restore: the answer is waited for 4m unless told, like rollback.
    { argv: ['restore', 'alice', '3fa2c1d0e9b4'], env: MANAGER_ENV, command: { kind: 'restore', userId: 'alice', backupId: '3fa2c1d0e9b4', timeoutMs: 240_000, connection: manager } },
    { argv: ['restore', 'alice', '3fa2c1d0e9b4', '--timeout=2m'], env: MANAGER_ENV, command: { kind: 'restore', userId: 'alice', backupId: '3fa2c1d0e9b4', timeoutMs: 120_000, connection: manager } },
    { argv: ['delete-backup', 'alice', '3fa2c1d0e9b4'], env: MANAGER_ENV, command: { kind: 'delete-backup', userId: 'alice', backupId: '3fa2c1d0e9b4', connection: manager } },
    { argv: ['help', 'delete-backup'], command: { kind: 'help', topic: 'delete-backup' } },
    { argv: ['restore', '--help'], command: { kind: 'help', topic: 'restore' } },
  ])('$argv $env', ({ argv, env, command }) => {
    expect(parseArgs(argv, env ?? {}).command).toEqual(command);
  });

  it.each<{ argv: string[]; env: Env; debug: boolean; colors: boolean }>([
    { argv: ['status', 'alice'], env: {}, debug: false, colors: true },
    { argv: ['status', 'alice', '--debug'], env: {}, debug: true, colors: true },
    { argv: ['status', 'alice'], env: { HELM_DEBUG: 'true' }, debug: true, colors: true },
    { argv: ['status', 'alice'], env: { HELM_DEBUG: 'false' }, debug: false, colors: true },
    { argv: ['status', 'alice', '--no-color'], env: {}, debug: false, colors: false },
    { argv: ['--no-color', 'status', 'alice'], env: {}, debug: false, colors: false },
    { argv: ['status', 'alice'], env: { NO_COLOR: '1' }, debug: false, colors: false },
  ])('flags $argv $env -> debug $debug, colors $colors', ({ argv, env, debug, colors }) => {
    expect(parseArgs(argv, env)).toMatchObject({ debug, colors });
  });
});

describe('helm openclaw args: refused with one clear line', () => {
  it.each<{ argv: string[]; env?: Env; message: string }>([
    { argv: ['link', 'alice'], message: 'unknown command "link" (see: helm openclaw --help)' },
    { argv: ['upgrade-all', '--image-tag', 'v2'], message: 'upgrade-all goes through the manager: pass --manager-url' },
    { argv: ['upgrade-all', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: 'upgrade-all needs --image-tag' },
    { argv: ['upgrade-all', '--image-tag', '-v2', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: '"-v2" is not an image tag' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--max-unavailable', '0', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: '--max-unavailable must be an integer 1-50, got 0' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--max-unavailable', '51', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: '--max-unavailable must be an integer 1-50' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--users', 'alice,Bob', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: '--users must be user ids separated by commas, got "Bob"' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--timeout', '5s', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: '--timeout must be between 10s and 1h' },
    { argv: ['upgrade-all', 'alice', '--image-tag', 'v2', '--manager-url', 'http://m:3000', `--api-key=${KEY}`], message: 'unexpected argument "alice"' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--manager-url', 'http://m:3000'], message: 'the manager needs an API key' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '0'], env: MANAGER_ENV, message: '--canary must be a count 1-50 or user ids separated by commas, got 0' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '51'], env: MANAGER_ENV, message: '--canary must be a count 1-50' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', 'alice,Bob'], env: MANAGER_ENV, message: '--canary must be user ids separated by commas, got "Bob"' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', 'alice,alice'], env: MANAGER_ENV, message: '--canary names "alice" twice' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--users', 'alice,bob', '--canary', 'carol'], env: MANAGER_ENV, message: 'canary "carol" is not in --users' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--soak', '60s'], env: MANAGER_ENV, message: '--soak only applies with --canary' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '2', '--soak', 'a while'], env: MANAGER_ENV, message: '--soak "a while" is not a duration like 60s, 2m or 0' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--canary', '2', '--soak', '61m'], env: MANAGER_ENV, message: '--soak must be between 0s and 1h' },
    { argv: ['upgrade-all', '--image-tag', 'v2', '--no-rollback=yes'], env: MANAGER_ENV, message: '--no-rollback takes no value' },
    {
      argv: ['rollback', 'alice'],
      message: 'rollback goes through the manager: pass --manager-url (or set OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY; without a manager use helm rollback alice-openclaw [REVISION] -n openclaw --wait, or scripts/deploy-user.sh rollback alice [revision]',
    },
    { argv: ['history', 'alice', '-n', 'team-a'], message: 'history goes through the manager: pass --manager-url (or set OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY; without a manager use helm history alice-openclaw -n team-a' },
    { argv: ['rollback'], env: MANAGER_ENV, message: 'rollback needs a user id (see: helm openclaw rollback --help)' },
    { argv: ['rollback', 'Alice'], env: MANAGER_ENV, message: 'userId must match' },
    { argv: ['rollback', 'alice', '3'], env: MANAGER_ENV, message: 'unexpected argument "3"' },
    { argv: ['rollback', 'alice', '--revision', 'v1'], env: MANAGER_ENV, message: '--revision must be a revision number (1, 2, ...; helm openclaw history alice lists them), got v1' },
    { argv: ['rollback', 'alice', '--revision', '0'], env: MANAGER_ENV, message: '--revision must be a revision number' },
    { argv: ['rollback', 'alice', '--timeout', '5s'], env: MANAGER_ENV, message: '--timeout must be between 10s and 4m' },
    { argv: ['rollback', 'alice', '--timeout', '10m'], env: MANAGER_ENV, message: '--timeout must be between 10s and 4m' },
    { argv: ['rollback', 'alice', '--json'], env: MANAGER_ENV, message: 'unknown option --json (see: helm openclaw rollback --help)' },
    { argv: ['history', 'alice', '--revision', '2'], env: MANAGER_ENV, message: 'unknown option --revision (see: helm openclaw history --help)' },
    { argv: ['history', 'alice', 'bob'], env: MANAGER_ENV, message: 'unexpected argument "bob"' },
    { argv: ['backup', 'alice'], message: 'backup goes through the manager: pass --manager-url (or set OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY (see: helm openclaw backup --help)' },
    { argv: ['backups', 'alice'], message: 'backups goes through the manager' },
    { argv: ['restore', 'alice', '3fa2c1d0e9b4'], message: 'restore goes through the manager' },
    { argv: ['delete-backup', 'alice', '3fa2c1d0e9b4'], message: 'delete-backup goes through the manager' },
    { argv: ['backup'], env: MANAGER_ENV, message: 'backup needs a user id (see: helm openclaw backup --help)' },
    { argv: ['backup', 'Alice'], env: MANAGER_ENV, message: 'userId must match' },
    { argv: ['backup', 'alice', 'now'], env: MANAGER_ENV, message: 'unexpected argument "now"' },
    { argv: ['backup', 'alice', '--timeout', 'later'], env: MANAGER_ENV, message: '--timeout "later" is not a duration like 3m, 90s or 1m30s' },
    { argv: ['backup', 'alice', '--no-wait', '--timeout', '5m'], env: MANAGER_ENV, message: '--timeout is how long to wait, so it does not go with --no-wait' },
    { argv: ['backup', 'alice', '--online=yes'], env: MANAGER_ENV, message: '--online takes no value' },
    { argv: ['backup', 'alice', '--consistency', 'online'], env: MANAGER_ENV, message: 'unknown option --consistency (see: helm openclaw backup --help)' },
    { argv: ['backups', 'alice', '--online'], env: MANAGER_ENV, message: 'unknown option --online (see: helm openclaw backups --help)' },
    { argv: ['restore', 'alice'], env: MANAGER_ENV, message: 'restore needs a backup id (helm openclaw backups alice lists them) (see: helm openclaw restore --help)' },
    { argv: ['restore', 'alice', '3FA2C1D0E9B4'], env: MANAGER_ENV, message: 'a backup id is 12 lower-case hex digits (helm openclaw backups alice lists them), got "3FA2C1D0E9B4"' },
    { argv: ['restore', 'alice', '3fa2c1d0e9b'], env: MANAGER_ENV, message: 'a backup id is 12 lower-case hex digits' },
    { argv: ['restore', 'alice', '../bob'], env: MANAGER_ENV, message: 'a backup id is 12 lower-case hex digits' },
    { argv: ['restore', 'bob_', '3fa2c1d0e9b4'], env: MANAGER_ENV, message: 'userId must match' },
    { argv: ['restore', 'alice', '3fa2c1d0e9b4', 'extra'], env: MANAGER_ENV, message: 'unexpected argument "extra"' },
    { argv: ['restore', 'alice', '3fa2c1d0e9b4', '--timeout', '5s'], env: MANAGER_ENV, message: '--timeout must be between 10s and 4m (see: helm openclaw restore --help)' },
    { argv: ['restore', 'alice', '3fa2c1d0e9b4', '--timeout', '6m'], env: MANAGER_ENV, message: '--timeout must be between 10s and 4m' },
    { argv: ['delete-backup', 'alice'], env: MANAGER_ENV, message: 'delete-backup needs a backup id' },
    { argv: ['delete-backup', 'alice', 'latest'], env: MANAGER_ENV, message: 'a backup id is 12 lower-case hex digits (helm openclaw backups alice lists them), got "latest"' },
    { argv: ['delete-backup', 'alice', '3fa2c1d0e9b4', '--timeout', '1m'], env: MANAGER_ENV, message: 'unknown option --timeout (see: helm openclaw delete-backup --help)' },
    { argv: ['help', 'link'], message: 'unknown command "link"' },
    { argv: ['--force', 'pair', 'alice'], message: 'a command comes first (pair, status, rpc, vnc, upgrade-all, rollback, history, backup, backups, restore, delete-backup)' },
    { argv: ['pair'], message: 'pair needs a user id (see: helm openclaw pair --help)' },
    { argv: ['pair', 'Alice'], message: 'userId must match' },
    { argv: ['pair', 'a--b'], message: 'userId must match' },
    { argv: ['pair', 'alice', 'bob'], message: 'unexpected argument "bob"' },
    { argv: ['pair', 'alice', '--json'], message: 'unknown option --json (see: helm openclaw pair --help)' },
    { argv: ['pair', 'alice', '--force=yes'], message: '--force takes no value' },
    { argv: ['pair', 'alice', '--timeout'], message: '--timeout needs a value' },
    { argv: ['pair', 'alice', '--timeout', 'soon'], message: '--timeout "soon" is not a duration like 3m, 90s or 1m30s' },
    { argv: ['pair', 'alice', '--timeout', '0'], message: 'is not a duration' },
    { argv: ['pair', 'alice', '-n', 'Bad_NS'], message: 'namespace "Bad_NS" is not a valid Kubernetes namespace name' },
    { argv: ['pair', 'alice', '--manager-url', 'localhost:3000'], env: { OPENCLAW_MANAGER_API_KEY: KEY }, message: 'manager URL must be http or https' },
    { argv: ['pair', 'alice', '--manager-url', 'not a url'], env: { OPENCLAW_MANAGER_API_KEY: KEY }, message: 'is not a URL' },
    { argv: ['pair', 'alice', '--manager-url', 'http://m:3000'], message: 'the manager needs an API key: set OPENCLAW_MANAGER_API_KEY (or pass --api-key)' },
    { argv: ['rpc', 'alice'], message: 'rpc needs a gateway method, e.g. health' },
    { argv: ['rpc', 'alice', 'Health'], message: '"Health" is not a gateway method name' },
    { argv: ['rpc', 'alice', 'status', '{nope'], message: 'params must be JSON' },
    { argv: ['rpc', 'alice', 'status', '[1]'], message: 'params must be a JSON object' },
    { argv: ['rpc', 'alice', 'status', '{}', 'extra'], message: 'unexpected argument "extra"' },
    { argv: ['vnc', 'alice', '--manager-url', 'http://m:3000'], message: 'vnc port-forwards to the pod and needs cluster access' },
    { argv: ['vnc', 'alice', '--port', '70000'], message: '--port must be a port number' },
  ])('$argv', ({ argv, env, message }) => {
    expect(() => parseArgs(argv, env ?? {})).toThrow(UsageError);
    expect(() => parseArgs(argv, env ?? {})).toThrow(message);
  });

  it('never puts the API key into a message', () => {
    const secret = 'super-secret-key-0123456789';
    try {
      parseArgs(['pair', 'alice', '--api-key', secret, '--manager-url', 'ftp://x'], {});
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(secret);
    }
  });
});

describe('durations and debug', () => {
  it.each([
    ['3m', 180_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['2500ms', 2_500],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['1.5s', 1_500],
    ['3 m', undefined],
    ['m', undefined],
    ['-1s', undefined],
  ])('%s -> %s', (text, ms) => {
    expect(parseDuration(text, { bareUnit: 's' })).toBe(ms);
  });

  it('sees --debug and HELM_DEBUG before parsing, so usage errors honour them', () => {
    expect(wantsDebug(['bogus', '--debug'], {})).toBe(true);
    expect(wantsDebug(['bogus'], { HELM_DEBUG: '1' })).toBe(true);
    expect(wantsDebug(['bogus'], {})).toBe(false);
  });
});

describe('help', () => {
  it.each(['pair', 'status', 'rpc', 'vnc', 'rollback', 'history', 'backup', 'backups', 'restore', 'delete-backup'] as const)('%s has usage and the connection options', (topic) => {
    const text = helpText(topic);
    expect(text).toContain(`helm openclaw ${topic} <userId>`);
    expect(text).toContain('--manager-url');
    expect(text).toContain('OPENCLAW_MANAGER_API_KEY');
  });

  it('overall help lists every command', () => {
    expect(helpText()).toMatch(/pair <userId>[\s\S]*status <userId>[\s\S]*rpc <userId> <method>[\s\S]*vnc <userId>[\s\S]*upgrade-all --image-tag[\s\S]*rollback <userId>[\s\S]*history <userId>[\s\S]*backup <userId>[\s\S]*backups <userId>[\s\S]*restore <userId> <backupId>[\s\S]*delete-backup <userId> <id>/);
  });

  it('upgrade-all explains canaries, the soak and rollback', () => {
    const text = helpText('upgrade-all');
    expect(text).toContain('[--canary N|a,b [--soak 60s]] [--no-rollback]');
    expect(text).toMatch(/Canaries: with --canary/);
    expect(text).toMatch(/--soak DUR\s+how long the canaries are watched \(default 60s; 0-1h; only with --canary\)/);
    expect(text).toMatch(/--no-rollback\s+leave an instance that does not become ready as it is/);
  });

  it.each([
    ['rollback', ['helm openclaw rollback <userId> [--revision N] [--timeout 4m]', 'helm rollback <userId>-openclaw [REVISION]', 'scripts/deploy-user.sh rollback <userId> [revision]']],
    ['history', ['helm openclaw history <userId> [--json]', 'helm history <userId>-openclaw', 'rollback --revision']],
  ] as const)('%s says it is manager-only and names the way without a manager', (topic, expected) => {
    const text = helpText(topic);
    expect(text).toContain('Manager only');
    for (const part of expected) expect(text).toContain(part);
  });

  it.each([
    ['backup', ['helm openclaw backup <userId> [--online] [--no-wait] [--timeout 25m]', 'stopped for the copy', 'exits 0 when ready, 1 when it failed']],
    ['backups', ['helm openclaw backups <userId> [--json]', 'newest first', '"before restoring <id>"']],
    ['restore', ['helm openclaw restore <userId> <backupId> [--timeout 4m]', 'RESTORE_FAILED', 'RESTORE_UNDO_FAILED']],
    ['delete-backup', ['helm openclaw delete-backup <userId> <backupId>', 'still being taken']],
  ] as const)('%s says it is manager-only and what it does', (topic, expected) => {
    const text = helpText(topic);
    expect(text).toContain('Manager only');
    for (const part of expected) expect(text).toContain(part);
  });

  it('upgrade-all says it is manager-only and names the way without a manager', () => {
    const text = helpText('upgrade-all');
    expect(text).toContain('helm openclaw upgrade-all --image-tag T [--max-unavailable N]');
    expect(text).toContain('Manager only');
    expect(text).toContain('scripts/deploy-user.sh upgrade-all');
    expect(text).toContain('--manager-url');
  });
});

// The `helm openclaw` command line: argv + Helm's environment -> command, one row per case.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../manager/src/duration.js';
import { parseArgs, wantsDebug, type Env } from '../../plugins/openclaw/src/args.js';
import { UsageError } from '../../plugins/openclaw/src/errors.js';
import { helpText } from '../../plugins/openclaw/src/help.js';

const cluster = { namespace: 'openclaw' };
const KEY = 'k'.repeat(32);
const manager = { namespace: 'openclaw', managerUrl: 'http://localhost:3000', apiKey: KEY };

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
    { argv: ['upgrade-all', '--image-tag', 'v2'], env: { OPENCLAW_MANAGER_URL: 'http://localhost:3000', OPENCLAW_MANAGER_API_KEY: KEY }, command: { kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 1, connection: manager } },
    {
      argv: ['upgrade-all', '--image-tag=2026.9.7', '--max-unavailable', '5', '--users', 'alice,bob', '--timeout', '5m', '--manager-url', 'http://localhost:3000', '--api-key', KEY],
      command: { kind: 'upgrade-all', imageTag: '2026.9.7', maxUnavailable: 5, userIds: ['alice', 'bob'], timeoutSeconds: 300, connection: manager },
    },
    { argv: ['upgrade-all', '--help'], command: { kind: 'help', topic: 'upgrade-all' } },
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
    { argv: ['help', 'link'], message: 'unknown command "link"' },
    { argv: ['--force', 'pair', 'alice'], message: 'a command comes first (pair, status, rpc, vnc, upgrade-all)' },
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
  it.each(['pair', 'status', 'rpc', 'vnc'] as const)('%s has usage and the connection options', (topic) => {
    const text = helpText(topic);
    expect(text).toContain(`helm openclaw ${topic} <userId>`);
    expect(text).toContain('--manager-url');
    expect(text).toContain('OPENCLAW_MANAGER_API_KEY');
  });

  it('overall help lists every command', () => {
    expect(helpText()).toMatch(/pair <userId>[\s\S]*status <userId>[\s\S]*rpc <userId> <method>[\s\S]*vnc <userId>[\s\S]*upgrade-all --image-tag/);
  });

  it('upgrade-all says it is manager-only and names the way without a manager', () => {
    const text = helpText('upgrade-all');
    expect(text).toContain('helm openclaw upgrade-all --image-tag T [--max-unavailable N]');
    expect(text).toContain('Manager only');
    expect(text).toContain('scripts/deploy-user.sh upgrade-all');
    expect(text).toContain('--manager-url');
  });
});

// argv + environment -> the command to run, pure. Helm runs the plugin with its own global flags
// removed and their values in the environment (HELM_NAMESPACE, HELM_KUBECONTEXT, HELM_DEBUG,
// KUBECONFIG), so both places are read here and nowhere else.
import { parseArgs as tokenize } from 'node:util';
import { BACKUP_ID_RULE, type BackupRecord, isBackupId, isGatewayMethodName, isValidUserId, parseDuration, USER_ID_RULE } from 'openclaw-platform/core';
import { UsageError } from './errors.js';
import { parseUpgradeAll, type UpgradeAllOptions } from './upgrade-all-args.js';

export const COMMANDS = ['pair', 'status', 'rpc', 'vnc', 'upgrade-all', 'rollback', 'history', 'backup', 'backups', 'restore', 'delete-backup'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Where the instance is reached: through the manager when managerUrl is set, else the cluster. */
export interface Connection {
  readonly managerUrl?: string;
  readonly apiKey?: string;
  readonly namespace: string;
  readonly kubeconfig?: string;
  readonly kubeContext?: string;
}

/** The commands that only the manager can do get a connection that has it. */
export type ManagerConnection = Connection & { readonly managerUrl: string; readonly apiKey: string };

export type Command =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'pair'; readonly userId: string; readonly force: boolean; readonly timeoutMs: number; readonly connection: Connection }
  | { readonly kind: 'status'; readonly userId: string; readonly json: boolean; readonly connection: Connection }
  | {
      readonly kind: 'rpc';
      readonly userId: string;
      readonly method: string;
      readonly params: Record<string, unknown>;
      readonly timeoutMs: number;
      readonly connection: Connection;
    }
  | { readonly kind: 'vnc'; readonly userId: string; readonly localPort: number; readonly connection: Connection }
  | ({ readonly kind: 'upgrade-all'; readonly connection: ManagerConnection } & UpgradeAllOptions)
  | {
      readonly kind: 'rollback';
      readonly userId: string;
      /** Default: the manager picks the last revision that ran another image. */
      readonly revision?: number;
      readonly timeoutSeconds: number;
      readonly connection: ManagerConnection;
    }
  | { readonly kind: 'history'; readonly userId: string; readonly json: boolean; readonly connection: ManagerConnection }
  | {
      readonly kind: 'backup';
      readonly userId: string;
      readonly consistency: BackupRecord['consistency'];
      /** How long to follow the backup until ready or failed; absent with --no-wait (print it pending and leave). */
      readonly waitMs?: number;
      readonly connection: ManagerConnection;
    }
  | { readonly kind: 'backups'; readonly userId: string; readonly json: boolean; readonly connection: ManagerConnection }
  | { readonly kind: 'restore'; readonly userId: string; readonly backupId: string; readonly timeoutMs: number; readonly connection: ManagerConnection }
  | { readonly kind: 'delete-backup'; readonly userId: string; readonly backupId: string; readonly connection: ManagerConnection };

export interface ParsedArgs {
  readonly command: Command;
  /** Show stack traces (--debug or HELM_DEBUG). */
  readonly debug: boolean;
  /** ANSI colours (off with --no-color or NO_COLOR). */
  readonly colors: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The platform's namespace, used when helm passes its own default. */
export const DEFAULT_NAMESPACE = 'openclaw';
export const DEFAULT_PAIR_TIMEOUT_MS = 180_000;
export const DEFAULT_RPC_TIMEOUT_MS = 30_000;
/**
 * The manager answers a rollback or a restore only once the instance is ready, and Node's fetch
 * gives up waiting for an answer's headers after 5 minutes: the wait stays below that, with room to spare.
 */
const MAX_ANSWER_WAIT_SECONDS = 240;
/**
 * The manager settles a backup within its copy's timeout (OPENCLAW_BACKUP_TIMEOUT_SECONDS, 10 min by
 * default) and the 10 min it gives a stopped instance to be ready again; the default wait covers both.
 */
const DEFAULT_BACKUP_WAIT_MS = 25 * 60_000;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LEADING_SWITCHES = new Set(['--debug', '--no-color']);

interface OptionSpec {
  /** Takes a value (`--x v` or `--x=v`); else a switch. */
  readonly value: boolean;
  readonly alias?: string;
}

const COMMON: Readonly<Record<string, OptionSpec>> = {
  namespace: { value: true, alias: 'n' },
  'manager-url': { value: true },
  'api-key': { value: true },
  kubeconfig: { value: true },
  'kube-context': { value: true },
  debug: { value: false },
  'no-color': { value: false },
  help: { value: false, alias: 'h' },
};

const OPTIONS: Readonly<Record<CommandName, Readonly<Record<string, OptionSpec>>>> = {
  pair: { ...COMMON, force: { value: false }, timeout: { value: true } },
  status: { ...COMMON, json: { value: false } },
  rpc: { ...COMMON, timeout: { value: true } },
  vnc: { ...COMMON, port: { value: true } },
  'upgrade-all': {
    ...COMMON,
    'image-tag': { value: true },
    'max-unavailable': { value: true },
    users: { value: true },
    timeout: { value: true },
    canary: { value: true },
    soak: { value: true },
    'no-rollback': { value: false },
  },
  rollback: { ...COMMON, revision: { value: true }, timeout: { value: true } },
  history: { ...COMMON, json: { value: false } },
  backup: { ...COMMON, online: { value: false }, 'no-wait': { value: false }, timeout: { value: true } },
  backups: { ...COMMON, json: { value: false } },
  restore: { ...COMMON, timeout: { value: true } },
  'delete-backup': COMMON,
};

/** What to use instead when a manager-only command has no manager. */
const WITHOUT_MANAGER: Readonly<Partial<Record<CommandName, (userId: string, namespace: string) => string>>> = {
  'upgrade-all': () => 'scripts/deploy-user.sh upgrade-all <imageTag> [maxUnavailable]',
  rollback: (userId, namespace) => `helm rollback ${userId}-openclaw [REVISION] -n ${namespace} --wait, or scripts/deploy-user.sh rollback ${userId} [revision]`,
  history: (userId, namespace) => `helm history ${userId}-openclaw -n ${namespace}`,
};

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** --debug anywhere on the line or HELM_DEBUG: decided before parsing so usage errors honour it too. */
export function wantsDebug(argv: readonly string[], env: Env): boolean {
  return argv.includes('--debug') || isTrue(env.HELM_DEBUG);
}

interface Scanned {
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

// node:util's parseArgs splits the line into tokens (`--x v`, `--x=v`, `-n v`, `--`); which options exist
// and take values, and the messages, are the plugin's own, so it runs non-strict and checks here.
function scan(argv: readonly string[], specs: Readonly<Record<string, OptionSpec>>, command: CommandName | undefined): Scanned {
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.value ? ('string' as const) : ('boolean' as const), ...(spec.alias ? { short: spec.alias } : {}) }]),
  );
  const { tokens } = tokenize({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined) throw new UsageError(`unknown option ${token.rawName}`, command);
    if (!spec.value) {
      if (token.inlineValue) throw new UsageError(`${token.rawName} takes no value`, command);
      options.set(token.name, true);
    } else {
      if (token.value === undefined || token.value === '') throw new UsageError(`${token.rawName} needs a value`, command);
      options.set(token.name, token.value);
    }
  }
  return { positionals, options };
}

function text(options: Map<string, string | true>, name: string): string | undefined {
  const value = options.get(name);
  return typeof value === 'string' ? value : undefined;
}

function connectionOf(options: Map<string, string | true>, env: Env, command: CommandName): Connection {
  const namespace =
    text(options, 'namespace') ??
    env.OPENCLAW_NAMESPACE ??
    (env.HELM_NAMESPACE && env.HELM_NAMESPACE !== 'default' ? env.HELM_NAMESPACE : DEFAULT_NAMESPACE);
  if (!NAMESPACE.test(namespace)) throw new UsageError(`namespace "${namespace}" is not a valid Kubernetes namespace name`, command);
  const kubeconfig = text(options, 'kubeconfig') ?? (env.KUBECONFIG || undefined);
  const kubeContext = text(options, 'kube-context') ?? (env.HELM_KUBECONTEXT || undefined);
  const cluster: Connection = { namespace, ...(kubeconfig ? { kubeconfig } : {}), ...(kubeContext ? { kubeContext } : {}) };

  const flagUrl = text(options, 'manager-url');
  if (command === 'vnc') {
    if (flagUrl !== undefined) throw new UsageError('vnc port-forwards to the pod and needs cluster access; it does not go through the manager', command);
    return cluster;
  }
  const managerUrl = flagUrl ?? (env.OPENCLAW_MANAGER_URL || undefined);
  if (managerUrl === undefined) return cluster;
  let url: URL;
  try {
    url = new URL(managerUrl);
  } catch {
    throw new UsageError(`manager URL "${managerUrl}" is not a URL (e.g. http://localhost:3000)`, command);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`manager URL must be http or https, got ${url.protocol}`, command);
  const apiKey = text(options, 'api-key') ?? (env.OPENCLAW_MANAGER_API_KEY || undefined);
  if (apiKey === undefined) throw new UsageError('the manager needs an API key: set OPENCLAW_MANAGER_API_KEY (or pass --api-key)', command);
  return { ...cluster, managerUrl: managerUrl.replace(/\/+$/, ''), apiKey };
}

/** The connection of a manager-only command; the message says what to set, or what to use without a manager. */
function requireManager(connection: Connection, command: CommandName, userId = '<userId>'): ManagerConnection {
  const { managerUrl, apiKey } = connection;
  if (managerUrl === undefined || apiKey === undefined) {
    const instead = WITHOUT_MANAGER[command]?.(userId, connection.namespace);
    throw new UsageError(
      `${command} goes through the manager: pass --manager-url (or set OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY${instead ? `; without a manager use ${instead}` : ''}`,
      command,
    );
  }
  return { ...connection, managerUrl, apiKey };
}

function durationOption(options: Map<string, string | true>, fallback: number, command: CommandName): number {
  const raw = text(options, 'timeout');
  if (raw === undefined) return fallback;
  // A bare number is seconds, as in helm's own --timeout.
  const ms = parseDuration(raw, { bareUnit: 's' });
  if (ms === undefined || ms <= 0) throw new UsageError(`--timeout "${raw}" is not a duration like 3m, 90s or 1m30s`, command);
  return ms;
}

function userIdOf(positionals: readonly string[], command: CommandName): string {
  const userId = positionals[0];
  if (userId === undefined) throw new UsageError(`${command} needs a user id`, command);
  if (!isValidUserId(userId)) throw new UsageError(USER_ID_RULE, command);
  return userId;
}

function expectPositionals(positionals: readonly string[], max: number, command: CommandName): void {
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, command);
}

function revisionOf(raw: string | undefined, userId: string): number | undefined {
  if (raw === undefined) return undefined;
  const revision = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(revision) || revision < 1) {
    throw new UsageError(`--revision must be a revision number (1, 2, ...; helm openclaw history ${userId} lists them), got ${raw}`, 'rollback');
  }
  return revision;
}

function backupIdOf(positionals: readonly string[], command: CommandName, userId: string): string {
  const backupId = positionals[1];
  if (backupId === undefined) throw new UsageError(`${command} needs a backup id (helm openclaw backups ${userId} lists them)`, command);
  if (!isBackupId(backupId)) throw new UsageError(`${BACKUP_ID_RULE} (helm openclaw backups ${userId} lists them), got "${backupId}"`, command);
  return backupId;
}

/** The wait for an answer that comes only once the instance is ready: 10 s to 4 min, 4 min unless given. */
function answerWaitSeconds(options: Map<string, string | true>, command: CommandName): number {
  const seconds = Math.round(durationOption(options, MAX_ANSWER_WAIT_SECONDS * 1000, command) / 1000);
  if (seconds < 10 || seconds > MAX_ANSWER_WAIT_SECONDS) throw new UsageError('--timeout must be between 10s and 4m', command);
  return seconds;
}

function rpcParams(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new UsageError(`params must be JSON, got ${raw}`, 'rpc');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('params must be a JSON object, e.g. \'{"probe":true}\'', 'rpc');
  return value as Record<string, unknown>;
}

/**
 * Parses the plugin's argv (without node and the script) against its environment.
 * @example parseArgs(['pair', 'alice', '--force'], { HELM_NAMESPACE: 'openclaw' }).command.kind // 'pair'
 * @throws UsageError
 */
export function parseArgs(argv: readonly string[], env: Env): ParsedArgs {
  const debug = wantsDebug(argv, env);
  // Switches that may come before the command: moved behind it.
  const switches = argv.filter((arg, i) => LEADING_SWITCHES.has(arg) && argv.slice(0, i).every((a) => LEADING_SWITCHES.has(a)));
  const rest = argv.slice(switches.length);
  const first = rest[0];
  const help = (topic?: CommandName): ParsedArgs => ({ command: topic ? { kind: 'help', topic } : { kind: 'help' }, debug, colors: true });
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[1] : undefined;
    if (topic !== undefined && !(COMMANDS as readonly string[]).includes(topic)) throw new UsageError(`unknown command "${topic}"`);
    return help(topic as CommandName | undefined);
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(first.startsWith('-') ? `a command comes first (${COMMANDS.join(', ')})` : `unknown command "${first}"`);
  }
  const command = first as CommandName;
  const { positionals, options } = scan([...rest.slice(1), ...switches], OPTIONS[command], command);
  const colors = !options.has('no-color') && !env.NO_COLOR;
  if (options.has('help')) return { ...help(command), colors };
  if (command === 'upgrade-all') {
    expectPositionals(positionals, 0, command);
    const upgrade = parseUpgradeAll(
      (name) => text(options, name),
      options.has('timeout') ? durationOption(options, 0, command) : undefined,
      (name) => options.has(name),
    );
    const connection = requireManager(connectionOf(options, env, command), command);
    return { command: { kind: 'upgrade-all', ...upgrade, connection }, debug, colors };
  }
  const userId = userIdOf(positionals, command);
  const connection = connectionOf(options, env, command);
  const done = (parsed: Command): ParsedArgs => ({ command: parsed, debug, colors });

  switch (command) {
    case 'pair':
      expectPositionals(positionals, 1, command);
      return done({ kind: 'pair', userId, force: options.has('force'), timeoutMs: durationOption(options, DEFAULT_PAIR_TIMEOUT_MS, command), connection });
    case 'status':
      expectPositionals(positionals, 1, command);
      return done({ kind: 'status', userId, json: options.has('json'), connection });
    case 'rpc': {
      expectPositionals(positionals, 3, command);
      const method = positionals[1];
      if (method === undefined) throw new UsageError('rpc needs a gateway method, e.g. health', command);
      if (!isGatewayMethodName(method)) throw new UsageError(`"${method}" is not a gateway method name`, command);
      const timeoutMs = durationOption(options, DEFAULT_RPC_TIMEOUT_MS, command);
      return done({ kind: 'rpc', userId, method, params: rpcParams(positionals[2]), timeoutMs, connection });
    }
    case 'vnc': {
      expectPositionals(positionals, 1, command);
      const raw = text(options, 'port') ?? '0';
      const localPort = Number(raw);
      if (!/^\d+$/.test(raw) || localPort > 65535) throw new UsageError(`--port must be a port number (0 picks a free one), got ${raw}`, command);
      return done({ kind: 'vnc', userId, localPort, connection });
    }
    case 'rollback': {
      expectPositionals(positionals, 1, command);
      const revision = revisionOf(text(options, 'revision'), userId);
      const timeoutSeconds = answerWaitSeconds(options, command);
      const manager = requireManager(connection, command, userId);
      return done({ kind: 'rollback', userId, ...(revision === undefined ? {} : { revision }), timeoutSeconds, connection: manager });
    }
    case 'history':
      expectPositionals(positionals, 1, command);
      return done({ kind: 'history', userId, json: options.has('json'), connection: requireManager(connection, command, userId) });
    case 'backup': {
      expectPositionals(positionals, 1, command);
      const consistency = options.has('online') ? 'online' : 'stopped';
      if (options.has('no-wait') && options.has('timeout')) throw new UsageError('--timeout is how long to wait, so it does not go with --no-wait', command);
      const manager = requireManager(connection, command, userId);
      if (options.has('no-wait')) return done({ kind: 'backup', userId, consistency, connection: manager });
      return done({ kind: 'backup', userId, consistency, waitMs: durationOption(options, DEFAULT_BACKUP_WAIT_MS, command), connection: manager });
    }
    case 'backups':
      expectPositionals(positionals, 1, command);
      return done({ kind: 'backups', userId, json: options.has('json'), connection: requireManager(connection, command, userId) });
    case 'restore': {
      expectPositionals(positionals, 2, command);
      const backupId = backupIdOf(positionals, command, userId);
      const timeoutMs = answerWaitSeconds(options, command) * 1000;
      return done({ kind: 'restore', userId, backupId, timeoutMs, connection: requireManager(connection, command, userId) });
    }
    case 'delete-backup': {
      expectPositionals(positionals, 2, command);
      const backupId = backupIdOf(positionals, command, userId);
      return done({ kind: 'delete-backup', userId, backupId, connection: requireManager(connection, command, userId) });
    }
  }
}

// The manager's configuration: read once from the environment at start, validated, then passed
// down. Nothing else in the manager reads process.env.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration, parseDuration } from './duration.js';
import { IMAGE_TAG_RULE, isImageTag } from './names/image-tag.js';
import { GATEWAY_PORT, NOVNC_PORT } from './names/object-names.js';

export type RuntimeKind = 'helm' | 'local';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ManagerConfig {
  /** Bearer key every /api call must present (OPENCLAW_MANAGER_API_KEY, required, >= 16 chars). */
  readonly apiKey: string;
  /** Listening port (PORT, default 3000). */
  readonly port: number;
  /** Listening address (OPENCLAW_MANAGER_HOST, default 0.0.0.0; `npm start` uses 127.0.0.1). */
  readonly host: string;
  /** Log level (OPENCLAW_LOG_LEVEL, default info). */
  readonly logLevel: LogLevel;
  /** Take the client address from X-Forwarded-For (OPENCLAW_TRUST_PROXY, default false). */
  readonly trustProxy: boolean;
  /** Which runtime runs instances (OPENCLAW_RUNTIME, default helm; `npm start` sets local). */
  readonly runtime: RuntimeKind;
  /** Namespace of the instances (OPENCLAW_NAMESPACE, default openclaw). */
  readonly namespace: string;
  /** Instance image (OPENCLAW_IMAGE_REPO / OPENCLAW_IMAGE_TAG). */
  readonly imageRepository: string;
  readonly imageTag: string;
  /** Public Ingress per gateway (OPENCLAW_INGRESS_ENABLED, default false). */
  readonly ingressEnabled: boolean;
  /**
   * Public HTTPRoute per gateway on the operator's Gateway (OPENCLAW_GATEWAY_API_ENABLED, default false;
   * never with ingressEnabled). The Gateway is named in a values file (gatewayApi.parentRef, OPENCLAW_VALUES_FILES).
   */
  readonly gatewayApiEnabled: boolean;
  /** Base domain of public hosts `<userId>.<base>` (OPENCLAW_DOMAIN_BASE). */
  readonly domainBase: string;
  /** Gateway WebSocket address; placeholders {userId} {service} {namespace}. */
  readonly gatewayUrlTemplate: string;
  /** noVNC WebSocket address; same placeholders. */
  readonly vncUrlTemplate: string;
  /** Local runtime: where each instance keeps `<userId>/` (OPENCLAW_LOCAL_DATA_DIR). */
  readonly localDataDir: string;
  /**
   * Local runtime: each instance's browser (OPENCLAW_LOCAL_BROWSER): "auto" (default) runs it when Xvfb,
   * x11vnc, websockify + noVNC and Chromium are installed; "off" runs gateway-only (about 0.7 GB less each).
   */
  readonly localBrowser: 'auto' | 'off';
  /** Local runtime: the OpenClaw launcher (OPENCLAW_BIN, default `openclaw` on PATH). */
  readonly openclawBin: string;
  /**
   * Local runtime: where the OpenClaw of other image tags is installed, `<dir>/<tag>/bin/openclaw`
   * (OPENCLAW_LOCAL_VERSIONS_DIR; unset: a tag is only recorded and every instance runs OPENCLAW_BIN).
   */
  readonly localVersionsDir: string | undefined;
  /** Local runtime: the instance entrypoint (OPENCLAW_ENTRYPOINT, default scripts/instance-entrypoint.sh). */
  readonly entrypoint: string;
  /** Helm runtime: the chart (OPENCLAW_CHART_DIR, default chart/ of this checkout or image). */
  readonly chartDir: string;
  /** Helm runtime: the helm binary (HELM_BIN, default `helm`). */
  readonly helmBin: string;
  /**
   * Helm runtime: values files every instance gets before its own values, in order
   * (OPENCLAW_VALUES_FILES, comma-separated paths, e.g. values/gke-autopilot.yaml; default none).
   * The manager's own settings (image, ingress, the user's secrets) still win over them.
   */
  readonly valuesFiles: readonly string[];
  /** Helm runtime: post-renderer plugin name (OPENCLAW_POST_RENDERER, default openclaw-postrender; "" disables). */
  readonly postRenderer: string;
  /** Helm runtime: kubeconfig file (KUBECONFIG); unset means in-cluster. */
  readonly kubeconfig: string | undefined;
  /** Concurrent VNC viewers per instance (OPENCLAW_VNC_MAX_VIEWERS, default 4). */
  readonly vncMaxViewers: number;
  /**
   * Stop (never delete) an instance after this long without RPC or VNC traffic through the manager
   * (OPENCLAW_IDLE_STOP_AFTER, e.g. 30m, 2h, 90s; default off: undefined).
   */
  readonly idleStopAfterMs: number | undefined;
  /** Ready backups kept per user; a new one deletes the oldest beyond it (OPENCLAW_BACKUPS_KEEP, default 7). */
  readonly backupsKeep: number;
  /** The largest archive POST .../backups/import reads (OPENCLAW_BACKUP_IMPORT_MAX_BYTES, default 10 GiB). */
  readonly backupImportMaxBytes: number;
  /**
   * Helm runtime: the VolumeSnapshotClass of backups (OPENCLAW_BACKUP_SNAPSHOT_CLASS; unset: the
   * cluster's default class, which GKE has only once one is made for its CSI driver).
   */
  readonly backupSnapshotClass: string | undefined;
  /**
   * How long a backup's copy may take to complete, a restored data volume to be provisioned, and a
   * backup or restore waits for a cluster that does not answer (OPENCLAW_BACKUP_TIMEOUT_SECONDS, default 600).
   */
  readonly backupTimeoutMs: number;
  /** Environment handed to helm and to local instances: the manager's own, minus the API key. */
  readonly childEnv: Readonly<Record<string, string>>;
}

/** Thrown with every problem found, one per line, so an operator fixes them in one go. */
export class ConfigInvalid extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigInvalid';
  }
}

export const DEFAULTS = {
  port: 3000,
  host: '0.0.0.0',
  namespace: 'openclaw',
  imageRepository: 'us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke',
  domainBase: 'openclaw.zazz.buzz',
  gatewayUrlTemplate: `ws://{service}.{namespace}.svc.cluster.local:${GATEWAY_PORT}`,
  vncUrlTemplate: `ws://{service}.{namespace}.svc.cluster.local:${NOVNC_PORT}`,
  postRenderer: 'openclaw-postrender',
  backupTimeoutSeconds: 600,
} as const;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PLACEHOLDER = /\{([^}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['userId', 'service', 'namespace']);
// RFC 1123 label: what a namespace name must be.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
// RFC 1123 subdomain: what most object names must be.
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MIN_API_KEY_LENGTH = 16;
// Below this an idle stop would fight ordinary pauses between calls.
const MIN_IDLE_STOP_MS = 1000;
const IDLE_STOP_OFF = new Set(['', 'off', '0']);

/** Repository root: two levels above both manager/src/config.ts and the bundled manager/dist/main.js. */
function repoRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Reads and validates the configuration.
 * @example loadConfig({ OPENCLAW_MANAGER_API_KEY: 'x'.repeat(32), OPENCLAW_RUNTIME: 'local' })
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ManagerConfig {
  const problems: string[] = [];
  const root = repoRoot();
  const str = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = str(name, String(fallback)).toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    problems.push(`${name} must be "true" or "false", got "${env[name]}"`);
    return fallback;
  };

  const apiKey = env.OPENCLAW_MANAGER_API_KEY ?? '';
  if (apiKey === '') {
    problems.push('OPENCLAW_MANAGER_API_KEY is required (e.g. export OPENCLAW_MANAGER_API_KEY=$(openssl rand -hex 32))');
  } else if (apiKey.length < MIN_API_KEY_LENGTH) {
    problems.push(`OPENCLAW_MANAGER_API_KEY must be at least ${MIN_API_KEY_LENGTH} characters (e.g. openssl rand -hex 32)`);
  } else if (/\s/.test(apiKey)) {
    problems.push('OPENCLAW_MANAGER_API_KEY must not contain whitespace');
  }

  const portText = str('PORT', String(DEFAULTS.port));
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) problems.push(`PORT must be an integer 1-65535, got "${portText}"`);

  const logLevel = str('OPENCLAW_LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`OPENCLAW_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const runtime = str('OPENCLAW_RUNTIME', 'helm') as RuntimeKind;
  if (runtime !== 'helm' && runtime !== 'local') problems.push(`OPENCLAW_RUNTIME must be "helm" or "local", got "${runtime}"`);

  const namespace = str('OPENCLAW_NAMESPACE', DEFAULTS.namespace);
  if (!DNS_LABEL.test(namespace)) problems.push(`OPENCLAW_NAMESPACE must be a DNS label (lower-case letters, digits, "-"), got "${namespace}"`);

  const domainBase = str('OPENCLAW_DOMAIN_BASE', DEFAULTS.domainBase);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(domainBase)) {
    problems.push(`OPENCLAW_DOMAIN_BASE must be a DNS name like example.com, got "${domainBase}"`);
  }

  const imageRepository = str('OPENCLAW_IMAGE_REPO', DEFAULTS.imageRepository);
  if (/[\s:@]/.test(imageRepository.replace(/^[^/]+:\d+\//, ''))) {
    problems.push(`OPENCLAW_IMAGE_REPO must be a repository without tag or digest, got "${imageRepository}"`);
  }
  const chartDir = path.resolve(str('OPENCLAW_CHART_DIR', path.join(root, 'chart')));
  const imageTag = env.OPENCLAW_IMAGE_TAG === undefined || env.OPENCLAW_IMAGE_TAG.trim() === '' ? chartAppVersion(chartDir, problems) : env.OPENCLAW_IMAGE_TAG.trim();
  if (imageTag !== '' && !isImageTag(imageTag)) problems.push(`OPENCLAW_IMAGE_TAG is not a valid image tag (${IMAGE_TAG_RULE}): "${imageTag}"`);

  const gatewayUrlTemplate = urlTemplate('OPENCLAW_GATEWAY_URL_TEMPLATE', str('OPENCLAW_GATEWAY_URL_TEMPLATE', DEFAULTS.gatewayUrlTemplate), problems);
  const vncUrlTemplate = urlTemplate('OPENCLAW_VNC_URL_TEMPLATE', str('OPENCLAW_VNC_URL_TEMPLATE', DEFAULTS.vncUrlTemplate), problems);

  const home = env.HOME && env.HOME !== '' ? env.HOME : homedir();
  const dataHome = str('XDG_DATA_HOME', path.join(home, '.local', 'share'));
  const localDataDir = path.resolve(str('OPENCLAW_LOCAL_DATA_DIR', path.join(dataHome, 'openclaw-platform', 'instances')));

  const versionsDir = str('OPENCLAW_LOCAL_VERSIONS_DIR', '');
  const localVersionsDir = versionsDir === '' ? undefined : path.resolve(versionsDir);

  const localBrowser = str('OPENCLAW_LOCAL_BROWSER', 'auto') as ManagerConfig['localBrowser'];
  if (localBrowser !== 'auto' && localBrowser !== 'off') problems.push(`OPENCLAW_LOCAL_BROWSER must be "auto" or "off", got "${localBrowser}"`);

  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key !== 'OPENCLAW_MANAGER_API_KEY') childEnv[key] = value;
  }

  const trustProxy = bool('OPENCLAW_TRUST_PROXY', false);
  const vncMaxViewersText = str('OPENCLAW_VNC_MAX_VIEWERS', '4');
  const vncMaxViewers = Number(vncMaxViewersText);
  if (!/^\d+$/.test(vncMaxViewersText) || vncMaxViewers < 1) problems.push(`OPENCLAW_VNC_MAX_VIEWERS must be a positive integer, got "${vncMaxViewersText}"`);
  const ingressEnabled = bool('OPENCLAW_INGRESS_ENABLED', false);
  const gatewayApiEnabled = bool('OPENCLAW_GATEWAY_API_ENABLED', false);
  if (ingressEnabled && gatewayApiEnabled) {
    problems.push('OPENCLAW_INGRESS_ENABLED and OPENCLAW_GATEWAY_API_ENABLED are both true: expose gateways one way only');
  }
  const idleStopAfterMs = idleStop(str('OPENCLAW_IDLE_STOP_AFTER', ''), problems);
  const backupsKeepText = str('OPENCLAW_BACKUPS_KEEP', '7');
  const backupsKeep = Number(backupsKeepText);
  if (!/^\d+$/.test(backupsKeepText) || backupsKeep < 1 || backupsKeep > 1000) problems.push(`OPENCLAW_BACKUPS_KEEP must be an integer from 1 to 1000, got "${backupsKeepText}"`);
  const importMaxText = str('OPENCLAW_BACKUP_IMPORT_MAX_BYTES', String(10 * 1024 ** 3));
  const backupImportMaxBytes = Number(importMaxText);
  if (!/^\d+$/.test(importMaxText) || backupImportMaxBytes < 1) problems.push(`OPENCLAW_BACKUP_IMPORT_MAX_BYTES must be a positive integer, got "${importMaxText}"`);
  const valuesFiles = readableFiles('OPENCLAW_VALUES_FILES', str('OPENCLAW_VALUES_FILES', ''), problems);
  const snapshotClass = str('OPENCLAW_BACKUP_SNAPSHOT_CLASS', '');
  if (snapshotClass !== '' && !DNS_SUBDOMAIN.test(snapshotClass)) {
    problems.push(`OPENCLAW_BACKUP_SNAPSHOT_CLASS must be a VolumeSnapshotClass name (lower-case letters, digits, "-" and "."), got "${snapshotClass}"`);
  }
  const backupTimeoutText = str('OPENCLAW_BACKUP_TIMEOUT_SECONDS', String(DEFAULTS.backupTimeoutSeconds));
  const backupTimeoutSeconds = Number(backupTimeoutText);
  if (!/^\d+$/.test(backupTimeoutText) || backupTimeoutSeconds < 1) {
    problems.push(`OPENCLAW_BACKUP_TIMEOUT_SECONDS must be a positive integer, got "${backupTimeoutText}"`);
  }

  if (problems.length > 0) throw new ConfigInvalid(problems);
  return Object.freeze({
    apiKey,
    port,
    host: str('OPENCLAW_MANAGER_HOST', DEFAULTS.host),
    logLevel,
    trustProxy,
    runtime,
    namespace,
    imageRepository,
    imageTag,
    ingressEnabled,
    gatewayApiEnabled,
    domainBase,
    gatewayUrlTemplate,
    vncUrlTemplate,
    localDataDir,
    localVersionsDir,
    localBrowser,
    openclawBin: str('OPENCLAW_BIN', 'openclaw'),
    entrypoint: path.resolve(str('OPENCLAW_ENTRYPOINT', path.join(root, 'scripts', 'instance-entrypoint.sh'))),
    chartDir,
    helmBin: str('HELM_BIN', 'helm'),
    valuesFiles,
    postRenderer: env.OPENCLAW_POST_RENDERER === undefined ? DEFAULTS.postRenderer : env.OPENCLAW_POST_RENDERER.trim(),
    kubeconfig: env.KUBECONFIG && env.KUBECONFIG !== '' ? env.KUBECONFIG : undefined,
    vncMaxViewers,
    idleStopAfterMs,
    backupsKeep,
    backupImportMaxBytes,
    backupSnapshotClass: snapshotClass === '' ? undefined : snapshotClass,
    backupTimeoutMs: backupTimeoutSeconds * 1000,
    childEnv: Object.freeze(childEnv),
  });
}

function idleStop(value: string, problems: string[]): number | undefined {
  if (IDLE_STOP_OFF.has(value.toLowerCase())) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    problems.push(`OPENCLAW_IDLE_STOP_AFTER must be a duration like 30m, 2h or 90s (or "off"), got "${value}"`);
    return undefined;
  }
  if (ms < MIN_IDLE_STOP_MS) problems.push(`OPENCLAW_IDLE_STOP_AFTER must be at least ${formatDuration(MIN_IDLE_STOP_MS)}, got "${value}"`);
  return ms;
}

function readableFiles(name: string, list: string, problems: string[]): string[] {
  const files = list.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => path.resolve(item));
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK);
      if (!statSync(file).isFile()) problems.push(`${name}: ${file} is not a file`);
    } catch {
      problems.push(`${name}: ${file} does not exist or is not readable`);
    }
  }
  return files;
}

function urlTemplate(name: string, value: string, problems: string[]): string {
  for (const match of value.matchAll(PLACEHOLDER)) {
    if (!KNOWN_PLACEHOLDERS.has(match[1] ?? '')) {
      problems.push(`${name} has an unknown placeholder {${match[1]}} (known: {userId}, {service}, {namespace})`);
    }
  }
  const sample = value.replace(PLACEHOLDER, 'x');
  try {
    const url = new URL(sample);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') problems.push(`${name} must be a ws:// or wss:// URL, got "${value}"`);
  } catch {
    problems.push(`${name} is not a URL: "${value}"`);
  }
  return value;
}

/** The chart's appVersion, the instance image tag the chart was tested with: the default tag. */
function chartAppVersion(chartDir: string, problems: string[]): string {
  try {
    const version = /^appVersion:\s*["']?([^"'\s#]+)/m.exec(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'))?.[1];
    if (version !== undefined) return version;
    problems.push(`${chartDir}/Chart.yaml names no appVersion; set OPENCLAW_IMAGE_TAG`);
  } catch {
    problems.push(`cannot read ${chartDir}/Chart.yaml for the default image tag; set OPENCLAW_CHART_DIR or OPENCLAW_IMAGE_TAG`);
  }
  return '';
}

// Parses the argv Helm passes through `--post-renderer-args` into PostRenderOptions. Pure: throws
// InvalidArgument with the offending argument and the usage, never exits.
import { InvalidArgument } from './errors.js';

export interface PostRenderOptions {
  /** Labels added to every object and pod template (default: none). */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations added to every object (default: none). */
  readonly annotations: Readonly<Record<string, string>>;
  /** Whether the Ingress family (Ingress, ManagedCertificate, BackendConfig, FrontendConfig) is allowed (default: false). */
  readonly ingressEnabled: boolean;
  /** Whether the Gateway API family (HTTPRoute, GCPBackendPolicy, HealthCheckPolicy) is allowed (default: false). */
  readonly gatewayApiEnabled: boolean;
}

export const USAGE =
  'usage: --label KEY=VALUE (repeatable) --annotation KEY=VALUE (repeatable) --ingress-enabled[=true|false] --gateway-api-enabled[=true|false]';

// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * Parses post-renderer arguments. Flags take their value either inline (`--label=team=x`) or as the
 * next argument (`--label team=x`, which Helm yields for two `--post-renderer-args`).
 * @example parseArgs(['--label=team=x', '--ingress-enabled=true'])
 */
export function parseArgs(argv: readonly string[]): PostRenderOptions {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  let ingressEnabled = false;
  let gatewayApiEnabled = false;

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw invalid(`${flag} needs a KEY=VALUE`);
      i += 1;
      return next;
    };

    switch (flag) {
      case '--label': {
        const [key, value] = splitPair(flag, takeValue());
        if (!LABEL_VALUE.test(value)) throw invalid(`${flag} ${key}: "${value}" is not a valid label value`);
        labels[key] = value;
        break;
      }
      case '--annotation': {
        const [key, value] = splitPair(flag, takeValue());
        annotations[key] = value;
        break;
      }
      case '--ingress-enabled':
        ingressEnabled = parseBoolean(flag, inline ?? 'true');
        break;
      case '--gateway-api-enabled':
        gatewayApiEnabled = parseBoolean(flag, inline ?? 'true');
        break;
      default:
        throw invalid(`unknown argument "${arg}"`);
    }
  }
  return { labels, annotations, ingressEnabled, gatewayApiEnabled };
}

function splitPair(flag: string, pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq === -1) throw invalid(`${flag} "${pair}" is not KEY=VALUE`);
  const key = pair.slice(0, eq);
  if (!isQualifiedName(key)) throw invalid(`${flag} "${key}" is not a valid key ([prefix/]name)`);
  return [key, pair.slice(eq + 1)];
}

function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  if (slash === -1) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && NAME.test(key.slice(slash + 1));
}

function parseBoolean(flag: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(`${flag} must be true or false, got "${value}"`);
}

function invalid(detail: string): InvalidArgument {
  return new InvalidArgument(`${detail} (${USAGE})`);
}

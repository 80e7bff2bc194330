// Rule public-exposure: nothing that puts a gateway on the internet unless the caller opted in to that
// way in, so a values file alone cannot expose one. Each way in is a family of kinds with its own
// flag: the chart renders the family of ingress.enabled or of gatewayApi.enabled, never both.
import { objectRef } from '../manifest.js';
import type { PolicyOptions, Rule } from './rule.js';

export const RULE = 'public-exposure';

interface Family {
  readonly kinds: ReadonlySet<string>;
  readonly allowed: (options: PolicyOptions) => boolean;
  /** Ends "... is not allowed while <disabled>". */
  readonly disabled: string;
  readonly flag: string;
}

const FAMILIES: readonly Family[] = [
  {
    kinds: new Set(['Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig']),
    allowed: (options) => options.ingressEnabled,
    disabled: 'ingress is disabled',
    flag: '--ingress-enabled=true',
  },
  {
    kinds: new Set(['HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy']),
    allowed: (options) => options.gatewayApiEnabled,
    disabled: 'the Gateway API is disabled',
    flag: '--gateway-api-enabled=true',
  },
];

export const publicExposure: Rule = (docs, options) =>
  docs.flatMap((doc) => {
    const family = FAMILIES.find((f) => typeof doc.kind === 'string' && f.kinds.has(doc.kind));
    if (!family || family.allowed(options)) return [];
    return [{
      object: objectRef(doc),
      rule: RULE,
      message: `${String(doc.kind)} is not allowed while ${family.disabled} (pass --post-renderer-args ${family.flag})`,
    }];
  });

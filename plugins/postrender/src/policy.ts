// The platform's policy over one render: every rule, in a fixed order, on the whole set of objects.
// Pure; an empty result means the render may be applied.
import type { Manifest, Violation } from './manifest.js';
import { forbiddenHostAccess } from './rules/forbidden-host-access.js';
import { kubernetesSchema } from './rules/kubernetes-schema.js';
import { networkPolicy } from './rules/network-policy.js';
import { publicExposure } from './rules/public-exposure.js';
import { resourceRequests } from './rules/resource-requests.js';
import type { PolicyOptions, Rule } from './rules/rule.js';
import { hardenedSecurityContext } from './rules/security-context.js';
import { serviceType } from './rules/service-type.js';
import { userLabel } from './rules/user-label.js';

export type { PolicyOptions } from './rules/rule.js';

export const RULES: readonly Rule[] = [
  kubernetesSchema,
  serviceType,
  networkPolicy,
  hardenedSecurityContext,
  resourceRequests,
  forbiddenHostAccess,
  publicExposure,
  userLabel,
];

/**
 * Checks a render against every rule.
 * @example policy(parseManifests(stdin), { ingressEnabled: false, gatewayApiEnabled: false }) // [] when clean
 */
export function policy(docs: readonly Manifest[], options: PolicyOptions): Violation[] {
  return RULES.flatMap((rule) => rule(docs, options));
}

/** One stderr line per violation: `openclaw-postrender: Kind/name: message (rule id)`. */
export function formatViolation(violation: Violation): string {
  return `openclaw-postrender: ${violation.object}: ${violation.message} (rule ${violation.rule})`;
}

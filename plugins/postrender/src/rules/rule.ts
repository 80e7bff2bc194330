// The contract every policy rule follows: a pure function from the whole render to violations, so a
// rule can relate objects to each other (a Deployment to its NetworkPolicy, all objects to one user).
import type { Manifest, Violation } from '../manifest.js';

export interface PolicyOptions {
  /** The Ingress family (Ingress, ManagedCertificate, BackendConfig, FrontendConfig) is allowed only when true (default: false). */
  readonly ingressEnabled: boolean;
  /** The Gateway API family (HTTPRoute, GCPBackendPolicy, HealthCheckPolicy) is allowed only when true (default: false). */
  readonly gatewayApiEnabled: boolean;
}

export type Rule = (docs: readonly Manifest[], options: PolicyOptions) => Violation[];

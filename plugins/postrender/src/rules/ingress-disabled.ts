// Rule ingress-disabled: no Ingress and no ManagedCertificate unless the caller opted in with
// --ingress-enabled=true, so a values file alone cannot expose a gateway to the internet.
import { objectRef } from '../manifest.js';
import type { Rule } from './rule.js';

export const RULE = 'ingress-disabled';

const INGRESS_KINDS = new Set(['Ingress', 'ManagedCertificate']);

export const ingressDisabled: Rule = (docs, options) =>
  options.ingressEnabled
    ? []
    : docs
        .filter((doc) => typeof doc.kind === 'string' && INGRESS_KINDS.has(doc.kind))
        .map((doc) => ({
          object: objectRef(doc),
          rule: RULE,
          message: `${String(doc.kind)} is not allowed while ingress is disabled (pass --post-renderer-args --ingress-enabled=true)`,
        }));

// Rule service-type: Services stay inside the cluster. NodePort and LoadBalancer would publish the
// gateway and VNC ports past the NetworkPolicy; ExternalName is not a workload Service at all.
import { asRecord, objectRef } from '../manifest.js';
import type { Rule } from './rule.js';

export const RULE = 'service-type';

export const serviceType: Rule = (docs) =>
  docs.flatMap((doc) => {
    if (doc.kind !== 'Service') return [];
    const type = asRecord(doc.spec).type;
    if (type === undefined || type === null || type === 'ClusterIP') return [];
    return [{ object: objectRef(doc), rule: RULE, message: `spec.type is ${JSON.stringify(type)}; only ClusterIP is allowed` }];
  });

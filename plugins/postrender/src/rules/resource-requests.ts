// Rule resource-requests: every container and initContainer requests cpu and memory. Without them
// the scheduler packs pods blindly, and GKE Autopilot substitutes large defaults.
import { asRecord, objectRef, type Violation } from '../manifest.js';
import { containersOf, podSpecOf } from '../pod-specs.js';
import type { Rule } from './rule.js';

export const RULE = 'resource-requests';

export const resourceRequests: Rule = (docs) =>
  docs.flatMap((doc) => {
    const pod = podSpecOf(doc);
    if (!pod) return [];
    const object = objectRef(doc);
    return containersOf(pod.spec).flatMap(({ list, name, container }): Violation[] => {
      const requests = asRecord(asRecord(container.resources).requests);
      const missing = ['cpu', 'memory'].filter((key) => requests[key] === undefined || requests[key] === null || requests[key] === '');
      if (missing.length === 0) return [];
      const what = `${list === 'initContainers' ? 'initContainer' : 'container'} "${name}"`;
      return [{ object, rule: RULE, message: `${what} lacks resources.requests.${missing.join(' and resources.requests.')}` }];
    });
  });

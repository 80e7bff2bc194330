// Rule forbidden-host-access: nothing in a user's pod reaches into the node: no hostPath volume, no
// host network/PID/IPC namespace, no hostPort, no privileged container.
import { asRecord, asRecords, objectRef, type Violation } from '../manifest.js';
import { containersOf, podSpecOf } from '../pod-specs.js';
import type { Rule } from './rule.js';

export const RULE = 'forbidden-host-access';

const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const forbiddenHostAccess: Rule = (docs) =>
  docs.flatMap((doc) => {
    const pod = podSpecOf(doc);
    if (!pod) return [];
    const object = objectRef(doc);
    const found: string[] = [];
    for (const field of HOST_NAMESPACES) {
      if (pod.spec[field] === true) found.push(`${pod.path}.${field} is true`);
    }
    for (const volume of asRecords(pod.spec.volumes)) {
      if (volume.hostPath !== undefined) found.push(`volume "${String(volume.name)}" is a hostPath`);
    }
    for (const { list, name, container } of containersOf(pod.spec)) {
      const what = `${list === 'initContainers' ? 'initContainer' : 'container'} "${name}"`;
      if (asRecord(container.securityContext).privileged === true) found.push(`${what} is privileged`);
      for (const port of asRecords(container.ports)) {
        if (port.hostPort !== undefined && port.hostPort !== 0) found.push(`${what} binds hostPort ${String(port.hostPort)}`);
      }
    }
    return found.map((message): Violation => ({ object, rule: RULE, message }));
  });

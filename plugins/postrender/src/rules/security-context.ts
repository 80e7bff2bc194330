// Rule hardened-security-context: every container and initContainer runs as non-root, without
// privilege escalation, with all capabilities dropped and none added, under the RuntimeDefault
// seccomp profile, on a read-only root filesystem (what writes goes to declared volumes). Container
// settings override the pod's, as in Kubernetes. All but the last are what GKE Autopilot and the
// "restricted" Pod Security Standard require; the read-only root is ours. No particular uid is asked
// for: OpenShift-style platforms assign one (the chart's podSecurity.arbitraryUid).
// https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
import { asRecord, objectRef, type Violation } from '../manifest.js';
import { containersOf, podSpecOf } from '../pod-specs.js';
import type { Rule } from './rule.js';

export const RULE = 'hardened-security-context';

export const hardenedSecurityContext: Rule = (docs) =>
  docs.flatMap((doc) => {
    const pod = podSpecOf(doc);
    if (!pod) return [];
    const podContext = asRecord(pod.spec.securityContext);
    const object = objectRef(doc);
    return containersOf(pod.spec).flatMap(({ list, name, container }): Violation[] => {
      const context = asRecord(container.securityContext);
      const what = `${list === 'initContainers' ? 'initContainer' : 'container'} "${name}"`;
      return problems(context, podContext).map((problem) => ({ object, rule: RULE, message: `${what} ${problem}` }));
    });
  });

function problems(context: Record<string, unknown>, podContext: Record<string, unknown>): string[] {
  const found: string[] = [];
  if ((context.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
    found.push('lacks securityContext.runAsNonRoot=true (container or pod level)');
  }
  if (context.allowPrivilegeEscalation !== false) found.push('lacks securityContext.allowPrivilegeEscalation=false');
  if (context.readOnlyRootFilesystem !== true) found.push('lacks securityContext.readOnlyRootFilesystem=true');
  const capabilities = asRecord(context.capabilities);
  const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
  if (!drop.includes('ALL')) found.push('lacks securityContext.capabilities.drop including ALL');
  if (Array.isArray(capabilities.add) && capabilities.add.length > 0) {
    found.push(`adds capabilities ${capabilities.add.map(String).join(', ')}; none may be added`);
  }
  const seccomp = asRecord(context.seccompProfile ?? podContext.seccompProfile);
  if (seccomp.type !== 'RuntimeDefault') {
    found.push('lacks securityContext.seccompProfile.type=RuntimeDefault (container or pod level)');
  }
  return found;
}

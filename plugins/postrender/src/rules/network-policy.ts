// Rule network-policy: a user's gateway pods accept traffic only from manager pods, only on the
// gateway (18789) and VNC (6080) ports. Every Deployment labelled openclaw.ai/user needs a
// NetworkPolicy in the render that selects its pods with policyTypes including Ingress, and because
// policies are additive, every such policy selecting those pods must admit nothing more. With
// --ingress-enabled=true or --gateway-api-enabled=true, ipBlock peers are admitted too (the load
// balancer and its health checks reach pods from fixed source ranges), except a /0 block, which is the
// whole internet. One more peer is allowed: the release's own `helm test` pod (its test labels and
// the same app.kubernetes.io/instance, in the same namespace), on the gateway port only.
// https://kubernetes.io/docs/concepts/services-networking/network-policies/
import { GATEWAY_PORT, NOVNC_PORT, USER_LABEL } from 'openclaw-platform/core';
import { asRecord, asRecords, labelsOf, metadataOf, objectRef, stringMap, type Manifest, type Violation } from '../manifest.js';
import { selects } from '../label-selector.js';
import { containersOf, podSpecOf } from '../pod-specs.js';
import type { Rule } from './rule.js';

export const RULE = 'network-policy';
export const ALLOWED_PORTS: readonly number[] = [GATEWAY_PORT, NOVNC_PORT];
export const MANAGER_POD_LABEL = { key: 'app.kubernetes.io/name', value: 'openclaw-manager' } as const;
export const TEST_POD_LABEL = { key: 'app.kubernetes.io/name', value: 'openclaw-test' } as const;
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

export const networkPolicy: Rule = (docs, options) => {
  const policies = docs.filter((doc) => doc.kind === 'NetworkPolicy' && restrictsIngress(doc));
  const violations: Violation[] = [];
  for (const deployment of docs) {
    if (deployment.kind !== 'Deployment' || labelsOf(deployment)[USER_LABEL] === undefined) continue;
    const podLabels = stringMap(asRecord(asRecord(asRecord(deployment.spec).template).metadata).labels);
    const selecting = policies.filter(
      (policy) => sameNamespace(policy, deployment) && selects(asRecord(policy.spec).podSelector, podLabels),
    );
    if (selecting.length === 0) {
      violations.push({
        object: objectRef(deployment),
        rule: RULE,
        message: `no NetworkPolicy with policyTypes including Ingress selects its pods (${describeLabels(podLabels)})`,
      });
    }
    const ports = namedPorts(deployment);
    for (const policy of selecting) {
      const release = podLabels[INSTANCE_LABEL];
      for (const message of ingressProblems(policy, ports, options.ingressEnabled || options.gatewayApiEnabled, release)) violations.push({ object: objectRef(policy), rule: RULE, message });
    }
  }
  return dedupe(violations);
};

function restrictsIngress(policy: Manifest): boolean {
  const types = asRecord(policy.spec).policyTypes;
  return Array.isArray(types) && types.includes('Ingress');
}

// A chart renders without namespaces (Helm applies them), so an unset namespace matches any.
function sameNamespace(a: Manifest, b: Manifest): boolean {
  const na = metadataOf(a).namespace;
  const nb = metadataOf(b).namespace;
  return na === undefined || nb === undefined || na === nb;
}

function ingressProblems(policy: Manifest, ports: ReadonlyMap<string, number>, ipBlocksAllowed: boolean, release: string | undefined): string[] {
  const rules = asRecord(policy.spec).ingress;
  return asRecords(rules).flatMap((rule, i) => {
    const testPod = release !== undefined && admitsOnlyTestPod(rule, release);
    return [...(testPod ? [] : peerProblems(rule, i, ipBlocksAllowed)), ...portProblems(rule, i, ports, testPod ? [GATEWAY_PORT] : ALLOWED_PORTS)];
  });
}

// Every peer is this release's test pod in the policy's own namespace (no namespaceSelector).
function admitsOnlyTestPod(rule: Record<string, unknown>, release: string): boolean {
  const peers = asRecords(rule.from);
  return (
    peers.length > 0 &&
    peers.every((peer) => {
      const labels = stringMap(asRecord(peer.podSelector).matchLabels);
      return peer.namespaceSelector === undefined && peer.ipBlock === undefined && labels[TEST_POD_LABEL.key] === TEST_POD_LABEL.value && labels[INSTANCE_LABEL] === release;
    })
  );
}

function peerProblems(rule: Record<string, unknown>, i: number, ipBlocksAllowed: boolean): string[] {
  const peers = Array.isArray(rule.from) ? rule.from : [];
  if (peers.length === 0) return [`ingress rule ${i} has no "from", so it admits every source; admit manager pods only`];
  return peers.flatMap((raw, j): string[] => {
    const peer = asRecord(raw);
    const where = `ingress rule ${i} peer ${j}`;
    if (peer.ipBlock !== undefined) {
      const cidr = String(asRecord(peer.ipBlock).cidr);
      if (!ipBlocksAllowed) return [`${where} is an ipBlock (${cidr}); without --ingress-enabled=true or --gateway-api-enabled=true admit manager pods only`];
      return cidr.endsWith('/0') ? [`${where} is an ipBlock (${cidr}) that admits every address`] : [];
    }
    const matchLabels = stringMap(asRecord(peer.podSelector).matchLabels);
    if (peer.podSelector === undefined || matchLabels[MANAGER_POD_LABEL.key] !== MANAGER_POD_LABEL.value) {
      return [`${where} does not select podSelector.matchLabels ${MANAGER_POD_LABEL.key}=${MANAGER_POD_LABEL.value}`];
    }
    return [];
  });
}

function portProblems(rule: Record<string, unknown>, i: number, named: ReadonlyMap<string, number>, allowedPorts: readonly number[]): string[] {
  const allowed = allowedPorts.join('/');
  const ports = asRecords(rule.ports);
  if (ports.length === 0) return [`ingress rule ${i} has no "ports", so it admits every port; allow only ${allowed}`];
  return ports.flatMap((entry, j): string[] => {
    const where = `ingress rule ${i} port ${j}`;
    const port = typeof entry.port === 'string' ? named.get(entry.port) : entry.port;
    if (typeof port !== 'number') {
      return [`${where} (${entry.port === undefined ? 'every port' : String(entry.port)}) is not one of ${allowed}`];
    }
    if (!allowedPorts.includes(port)) return [`${where} (${port}) is not one of ${allowed}`];
    if (entry.endPort !== undefined && entry.endPort !== port) {
      return [`${where} is a range ${port}-${String(entry.endPort)}; allow only ${allowed}`];
    }
    return [];
  });
}

// Named ports of the Deployment's containers, so `port: gateway` can be checked like 18789.
function namedPorts(deployment: Manifest): Map<string, number> {
  const pod = podSpecOf(deployment);
  const map = new Map<string, number>();
  for (const { container } of pod ? containersOf(pod.spec) : []) {
    for (const port of asRecords(container.ports)) {
      if (typeof port.name === 'string' && typeof port.containerPort === 'number') map.set(port.name, port.containerPort);
    }
  }
  return map;
}

function describeLabels(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? `pod labels ${pairs.join(',')}` : 'pod template has no labels';
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.object}\u0000${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { describe, expect, it } from 'vitest';
import type { Manifest, Violation } from '../../plugins/postrender/src/manifest.js';
import { formatViolation, policy } from '../../plugins/postrender/src/policy.js';
import {
  backendConfig,
  cleanRender,
  deployment,
  edited,
  frontendConfig,
  gatewayApiFamily,
  gcpBackendPolicy,
  healthCheckPolicy,
  httpRoute,
  ingress,
  ingressFamily,
  managedCertificate,
  networkPolicy,
  podSpec,
  renderWith,
  renderWithout,
  service,
} from './postrender-fixtures.js';

const DEPLOY = 'Deployment/alice-openclaw';
const NETPOL = 'NetworkPolicy/alice-openclaw';
const v = (object: string, rule: string, message: string): Violation => ({ object, rule, message });

const withUser = (doc: Manifest): Manifest => edited(doc, (d) => (d.metadata.labels = { 'openclaw.ai/user': 'alice' }));
const onMain = (edit: (c: Record<string, any>) => void) => edited(deployment(), (d) => edit(d.spec.template.spec.containers[0])); // eslint-disable-line @typescript-eslint/no-explicit-any
const onPod = (edit: (p: Record<string, any>) => void) => edited(deployment(), (d) => edit(d.spec.template.spec)); // eslint-disable-line @typescript-eslint/no-explicit-any
const onPolicy = (edit: (s: Record<string, any>) => void) => edited(networkPolicy(), (d) => edit(d.spec)); // eslint-disable-line @typescript-eslint/no-explicit-any
const ingressRule = (rule: unknown) => onPolicy((s) => (s.ingress = [rule]));
const managerPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-manager' } } };
const testPeer = (instance = 'alice-openclaw') => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-test', 'app.kubernetes.io/instance': instance } } });
const withTestRule = (rule: unknown) => onPolicy((s) => s.ingress.push(rule));
const noPolicyMessage =
  'no NetworkPolicy with policyTypes including Ingress selects its pods (pod labels app.kubernetes.io/name=openclaw,app.kubernetes.io/instance=alice-openclaw)';

interface Row {
  readonly name: string;
  readonly docs: Manifest[];
  readonly ingressEnabled?: boolean;
  readonly gatewayApiEnabled?: boolean;
  readonly expected: Violation[];
}

const closed = { ingressEnabled: false, gatewayApiEnabled: false };
const optionsOf = (row: Row) => ({ ingressEnabled: row.ingressEnabled ?? false, gatewayApiEnabled: row.gatewayApiEnabled ?? false });
const loadBalancerRule = { from: [{ ipBlock: { cidr: '130.211.0.0/22' } }, { ipBlock: { cidr: '35.191.0.0/16' } }], ports: [{ port: 18789, protocol: 'TCP' }] };
const disabled = (kind: string, family: 'ingress' | 'the Gateway API') =>
  v(`${kind}/alice-openclaw`, 'public-exposure', `${kind} is not allowed while ${family} is disabled (pass --post-renderer-args --${family === 'ingress' ? 'ingress' : 'gateway-api'}-enabled=true)`);

const rows: Row[] = [
  // rule kubernetes-schema
  { name: 'wrong type', docs: renderWith(edited(deployment(), (d) => (d.spec.replicas = 'one'))), expected: [v(DEPLOY, 'kubernetes-schema', 'spec.replicas: must be integer')] },
  { name: 'enum value', docs: renderWith(edited(deployment(), (d) => (d.spec.strategy = { type: 'Sideways' }))), expected: [v(DEPLOY, 'kubernetes-schema', 'spec.strategy.type: must be equal to one of the allowed values (Recreate, RollingUpdate)')] },
  { name: 'bad quantity', docs: renderWith(onMain((c) => (c.resources.requests.cpu = 'lots'))), expected: [v(DEPLOY, 'kubernetes-schema', 'spec.template.spec.containers.0.resources.requests.cpu: must be number, must match format "quantity", must match exactly one schema in "oneOf"')] },
  { name: 'missing required field', docs: renderWith(edited(service(), (d) => (d.spec.ports = [{ name: 'x' }]))), expected: [v('Service/alice-openclaw', 'kubernetes-schema', 'spec.ports.0: must have required property port')] },
  { name: 'label value not a string', docs: renderWith(edited(service(), (d) => (d.metadata.labels.tier = 1))), expected: [v('Service/alice-openclaw', 'kubernetes-schema', 'metadata.labels.tier: must be string')] },
  { name: 'unknown kind', docs: renderWith(withUser({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })), expected: [v('Widget/w', 'kubernetes-schema', 'no schema for example.com/v1/Widget')] },
  { name: 'kind under the wrong apiVersion', docs: renderWith(withUser({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'c' } })), expected: [v('ConfigMap/c', 'kubernetes-schema', 'no schema for apps/v1/ConfigMap')] },
  { name: 'no name', docs: renderWith(withUser({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })), expected: [v('ConfigMap/?', 'kubernetes-schema', 'object has no metadata.name')] },
  { name: 'no apiVersion and kind', docs: renderWith(withUser({ metadata: { name: 'x' } })), expected: [v('?/x', 'kubernetes-schema', 'object has no apiVersion and kind')] },
  { name: 'ManagedCertificate wrong type', ingressEnabled: true, docs: renderWith(ingress(), edited(managedCertificate(), (d) => (d.spec.domains = 'alice.example.com'))), expected: [v('ManagedCertificate/alice-openclaw', 'kubernetes-schema', 'spec.domains: must be array')] },
  { name: 'BackendConfig timeout not a number', ingressEnabled: true, docs: renderWith(...ingressFamily(), edited(backendConfig(), (d) => (d.spec.timeoutSec = '1h'))), expected: [v('BackendConfig/alice-openclaw', 'kubernetes-schema', 'spec.timeoutSec: must be integer')] },
  { name: 'FrontendConfig redirect flag not a boolean', ingressEnabled: true, docs: renderWith(...ingressFamily(), edited(frontendConfig(), (d) => (d.spec.redirectToHttps.enabled = 'yes'))), expected: [v('FrontendConfig/alice-openclaw', 'kubernetes-schema', 'spec.redirectToHttps.enabled: must be boolean')] },
  { name: 'HTTPRoute backend port by name', gatewayApiEnabled: true, docs: renderWith(...gatewayApiFamily(), edited(httpRoute(), (d) => (d.spec.rules[0].backendRefs[0].port = 'gateway'))), expected: [v('HTTPRoute/alice-openclaw', 'kubernetes-schema', 'spec.rules.0.backendRefs.0.port: must be integer')] },
  { name: 'GCPBackendPolicy without a target', gatewayApiEnabled: true, docs: renderWith(...gatewayApiFamily(), edited(gcpBackendPolicy(), (d) => delete d.spec.targetRef)), expected: [v('GCPBackendPolicy/alice-openclaw', 'kubernetes-schema', 'spec: must have required property targetRef')] },
  { name: 'HealthCheckPolicy of an unknown type', gatewayApiEnabled: true, docs: renderWith(...gatewayApiFamily(), edited(healthCheckPolicy(), (d) => (d.spec.default.config.type = 'FTP'))), expected: [v('HealthCheckPolicy/alice-openclaw', 'kubernetes-schema', 'spec.default.config.type: must be equal to one of the allowed values (TCP, HTTP, HTTPS, HTTP2, GRPC)')] },

  // rule service-type
  { name: 'NodePort Service', docs: renderWith(edited(service(), (d) => (d.spec.type = 'NodePort'))), expected: [v('Service/alice-openclaw', 'service-type', 'spec.type is "NodePort"; only ClusterIP is allowed')] },
  { name: 'LoadBalancer Service', docs: renderWith(edited(service(), (d) => (d.spec.type = 'LoadBalancer'))), expected: [v('Service/alice-openclaw', 'service-type', 'spec.type is "LoadBalancer"; only ClusterIP is allowed')] },

  // rule network-policy
  { name: 'no NetworkPolicy', docs: renderWithout('NetworkPolicy'), expected: [v(DEPLOY, 'network-policy', noPolicyMessage)] },
  { name: 'policy without Ingress type', docs: renderWith(onPolicy((s) => (s.policyTypes = ['Egress']))), expected: [v(DEPLOY, 'network-policy', noPolicyMessage)] },
  { name: 'policy selecting other pods', docs: renderWith(onPolicy((s) => (s.podSelector.matchLabels['app.kubernetes.io/instance'] = 'bob-openclaw'))), expected: [v(DEPLOY, 'network-policy', noPolicyMessage)] },
  { name: 'policy in another namespace', docs: renderWith(edited(networkPolicy(), (d) => (d.metadata.namespace = 'other')), edited(deployment(), (d) => (d.metadata.namespace = 'openclaw'))), expected: [v(DEPLOY, 'network-policy', noPolicyMessage)] },
  { name: 'ipBlock peer', docs: renderWith(ingressRule({ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 is an ipBlock (10.0.0.0/8); without --ingress-enabled=true or --gateway-api-enabled=true admit manager pods only')] },
  { name: 'empty peer', docs: renderWith(ingressRule({ from: [{}], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager')] },
  { name: 'namespaceSelector-only peer', docs: renderWith(ingressRule({ from: [{ namespaceSelector: {} }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager')] },
  { name: 'peer selecting other pods', docs: renderWith(ingressRule({ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager')] },
  { name: 'rule without from', docs: renderWith(ingressRule({ ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 has no "from", so it admits every source; admit manager pods only')] },
  { name: 'rule without ports', docs: renderWith(ingressRule({ from: [managerPeer] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 has no "ports", so it admits every port; allow only 18789/6080')] },
  { name: 'other port', docs: renderWith(ingressRule({ from: [managerPeer], ports: [{ port: 6080 }, { port: 22 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 port 1 (22) is not one of 18789/6080')] },
  { name: 'unknown named port', docs: renderWith(ingressRule({ from: [managerPeer], ports: [{ port: 'ssh' }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 port 0 (ssh) is not one of 18789/6080')] },
  { name: 'port range', docs: renderWith(ingressRule({ from: [managerPeer], ports: [{ port: 6080, endPort: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 port 0 is a range 6080-18789; allow only 18789/6080')] },
  { name: 'second, open policy (policies add up)', docs: renderWith(edited(networkPolicy(), (d) => { d.metadata.name = 'allow-all'; d.spec.podSelector = {}; d.spec.ingress = [{}]; })), expected: [v('NetworkPolicy/allow-all', 'network-policy', 'ingress rule 0 has no "from", so it admits every source; admit manager pods only'), v('NetworkPolicy/allow-all', 'network-policy', 'ingress rule 0 has no "ports", so it admits every port; allow only 18789/6080')] },
  { name: "the test pod on the VNC port", docs: renderWith(withTestRule({ from: [testPeer()], ports: [{ port: 6080 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 1 port 0 (6080) is not one of 18789')] },
  { name: "another release's test pod", docs: renderWith(withTestRule({ from: [testPeer('bob-openclaw')], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 1 peer 0 does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager')] },
  { name: 'test pods of another namespace', docs: renderWith(withTestRule({ from: [{ ...testPeer(), namespaceSelector: {} }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 1 peer 0 does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager')] },
  { name: 'the test pod beside an open peer', docs: renderWith(withTestRule({ from: [testPeer(), {}], ports: [{ port: 18789 }] })), expected: [0, 1].map((j) => v(NETPOL, 'network-policy', `ingress rule 1 peer ${j} does not select podSelector.matchLabels app.kubernetes.io/name=openclaw-manager`)) },
  { name: 'ipBlock of the whole internet with ingress on', ingressEnabled: true, docs: renderWith(ingressRule({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 is an ipBlock (0.0.0.0/0) that admits every address')] },
  { name: 'ipBlock of the whole internet with the Gateway API on', gatewayApiEnabled: true, docs: renderWith(ingressRule({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 18789 }] })), expected: [v(NETPOL, 'network-policy', 'ingress rule 0 peer 0 is an ipBlock (0.0.0.0/0) that admits every address')] },

  // rule hardened-security-context
  { name: 'writable root filesystem', docs: renderWith(onMain((c) => (c.securityContext.readOnlyRootFilesystem = false))), expected: [v(DEPLOY, 'hardened-security-context', 'container "openclaw" lacks securityContext.readOnlyRootFilesystem=true')] },
  { name: 'privilege escalation allowed', docs: renderWith(onMain((c) => delete c.securityContext.allowPrivilegeEscalation)), expected: [v(DEPLOY, 'hardened-security-context', 'container "openclaw" lacks securityContext.allowPrivilegeEscalation=false')] },
  { name: 'initContainer keeps capabilities', docs: renderWith(onPod((p) => (p.initContainers[0].securityContext.capabilities = { drop: ['NET_RAW'] }))), expected: [v(DEPLOY, 'hardened-security-context', 'initContainer "init-state" lacks securityContext.capabilities.drop including ALL')] },
  { name: 'added capability', docs: renderWith(onMain((c) => (c.securityContext.capabilities.add = ['NET_ADMIN']))), expected: [v(DEPLOY, 'hardened-security-context', 'container "openclaw" adds capabilities NET_ADMIN; none may be added')] },
  { name: 'runAsNonRoot nowhere', docs: renderWith(onPod((p) => delete p.securityContext.runAsNonRoot)), expected: ['init-state', 'openclaw'].map((n, i) => v(DEPLOY, 'hardened-security-context', `${i === 0 ? 'initContainer' : 'container'} "${n}" lacks securityContext.runAsNonRoot=true (container or pod level)`)) },
  { name: 'container overrides runAsNonRoot', docs: renderWith(onMain((c) => (c.securityContext.runAsNonRoot = false))), expected: [v(DEPLOY, 'hardened-security-context', 'container "openclaw" lacks securityContext.runAsNonRoot=true (container or pod level)')] },
  { name: 'container overrides seccomp', docs: renderWith(onMain((c) => (c.securityContext.seccompProfile = { type: 'Unconfined' }))), expected: [v(DEPLOY, 'hardened-security-context', 'container "openclaw" lacks securityContext.seccompProfile.type=RuntimeDefault (container or pod level)')] },
  // OpenShift-style platforms assign the uid, gid and fsGroup (podSecurity.arbitraryUid).
  { name: 'no runAsUser, runAsGroup or fsGroup', docs: renderWith(onPod((p) => delete p.securityContext.runAsUser)), expected: [] },

  // rule resource-requests
  { name: 'no memory request', docs: renderWith(onMain((c) => delete c.resources.requests.memory)), expected: [v(DEPLOY, 'resource-requests', 'container "openclaw" lacks resources.requests.memory')] },
  { name: 'no requests at all', docs: renderWith(onPod((p) => delete p.initContainers[0].resources)), expected: [v(DEPLOY, 'resource-requests', 'initContainer "init-state" lacks resources.requests.cpu and resources.requests.memory')] },

  // rule forbidden-host-access
  { name: 'hostPath volume', docs: renderWith(onPod((p) => p.volumes.push({ name: 'host', hostPath: { path: '/' } }))), expected: [v(DEPLOY, 'forbidden-host-access', 'volume "host" is a hostPath')] },
  { name: 'host namespaces', docs: renderWith(onPod((p) => Object.assign(p, { hostNetwork: true, hostPID: true, hostIPC: true }))), expected: ['hostNetwork', 'hostPID', 'hostIPC'].map((f) => v(DEPLOY, 'forbidden-host-access', `spec.template.spec.${f} is true`)) },
  { name: 'privileged container', docs: renderWith(onMain((c) => (c.securityContext.privileged = true))), expected: [v(DEPLOY, 'forbidden-host-access', 'container "openclaw" is privileged')] },
  { name: 'hostPort', docs: renderWith(onMain((c) => (c.ports[0].hostPort = 18789))), expected: [v(DEPLOY, 'forbidden-host-access', 'container "openclaw" binds hostPort 18789')] },

  // rule public-exposure: each kind alone, and each family under the other family's flag only
  { name: 'Ingress while disabled', docs: renderWith(ingress()), expected: [disabled('Ingress', 'ingress')] },
  { name: 'ManagedCertificate while disabled', docs: renderWith(managedCertificate()), expected: [disabled('ManagedCertificate', 'ingress')] },
  { name: 'BackendConfig while disabled', docs: renderWith(backendConfig()), expected: [disabled('BackendConfig', 'ingress')] },
  { name: 'FrontendConfig while disabled', docs: renderWith(frontendConfig()), expected: [disabled('FrontendConfig', 'ingress')] },
  { name: 'HTTPRoute while disabled', docs: renderWith(httpRoute()), expected: [disabled('HTTPRoute', 'the Gateway API')] },
  { name: 'GCPBackendPolicy while disabled', docs: renderWith(gcpBackendPolicy()), expected: [disabled('GCPBackendPolicy', 'the Gateway API')] },
  { name: 'HealthCheckPolicy while disabled', docs: renderWith(healthCheckPolicy()), expected: [disabled('HealthCheckPolicy', 'the Gateway API')] },
  { name: 'Gateway API objects under --ingress-enabled only', ingressEnabled: true, docs: renderWith(...gatewayApiFamily()), expected: ['HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy'].map((k) => disabled(k, 'the Gateway API')) },
  { name: 'Ingress objects under --gateway-api-enabled only', gatewayApiEnabled: true, docs: renderWith(...ingressFamily()), expected: ['Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig'].map((k) => disabled(k, 'ingress')) },

  // rule user-label
  { name: 'object without the user label', docs: renderWith(edited(service(), (d) => delete d.metadata.labels['openclaw.ai/user'])), expected: [v('Service/alice-openclaw', 'user-label', 'lacks label openclaw.ai/user')] },
  { name: 'object of another user', docs: renderWith(edited(service(), (d) => (d.metadata.labels['openclaw.ai/user'] = 'bob'))), expected: [v('Service/alice-openclaw', 'user-label', 'label openclaw.ai/user=bob differs from alice (on NetworkPolicy/alice-openclaw); one render must belong to one user')] },

  // pod-spec rules reach every workload kind
  { name: 'CronJob container', docs: renderWith(withUser({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'Never', hostPID: true } } } } } })), expected: [v('CronJob/cj', 'forbidden-host-access', 'spec.jobTemplate.spec.template.spec.hostPID is true')] },
  { name: 'bare Pod', docs: renderWith(withUser({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...podSpec(), hostNetwork: true } })), expected: [v('Pod/p', 'forbidden-host-access', 'spec.hostNetwork is true')] },
  { name: 'StatefulSet container', docs: renderWith(withUser(edited(deployment(), (d) => { d.kind = 'StatefulSet'; d.metadata.name = 'ss'; delete d.spec.template.spec.containers[0].resources; }))), expected: [v('StatefulSet/ss', 'resource-requests', 'container "openclaw" lacks resources.requests.cpu and resources.requests.memory')] },
];

const cleanRows: Row[] = [
  { name: 'the clean render', docs: cleanRender(), expected: [] },
  { name: 'explicit ClusterIP', docs: renderWith(edited(service(), (d) => (d.spec.type = 'ClusterIP'))), expected: [] },
  { name: 'policy selecting every pod', docs: renderWith(onPolicy((s) => (s.podSelector = {}))), expected: [] },
  { name: "the release's own test pod on the gateway port", docs: renderWith(withTestRule({ from: [testPeer()], ports: [{ port: 18789, protocol: 'TCP' }] })), expected: [] },
  { name: 'deny-all ingress', docs: renderWith(onPolicy((s) => delete s.ingress)), expected: [] },
  { name: 'runAsNonRoot and seccomp on containers only', docs: renderWith(onPod((p) => { p.securityContext = {}; for (const c of [...p.initContainers, ...p.containers]) Object.assign(c.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }); })), expected: [] },
  { name: 'ingress with load-balancer ranges when enabled', ingressEnabled: true, docs: renderWith(...ingressFamily(), onPolicy((s) => s.ingress.push(loadBalancerRule))), expected: [] },
  { name: 'Gateway API with load-balancer ranges when enabled', gatewayApiEnabled: true, docs: renderWith(...gatewayApiFamily(), onPolicy((s) => s.ingress.push(loadBalancerRule))), expected: [] },
];

describe('postrender policy: one violating render per rule', () => {
  it.each(rows)('$name', (row) => {
    expect(policy(row.docs, optionsOf(row))).toEqual(row.expected);
  });
});

describe('postrender policy: clean renders pass', () => {
  it.each(cleanRows)('$name', (row) => {
    expect(policy(row.docs, optionsOf(row))).toEqual(row.expected);
  });
});

describe('postrender policy: what the Kubernetes schemas check', () => {
  // kubernetes-models' schemas carry no additionalProperties: false, so a misspelled field passes the
  // schema rule; the policy rules still catch the security fields that the typo leaves unset.
  it('does not reject unknown fields (a limitation of kubernetes-models)', () => {
    const docs = renderWith(edited(deployment(), (d) => (d.spec.replicaz = 1)), edited(service(), (d) => (d.spec.typo = true)));
    expect(policy(docs, closed)).toEqual([]);
  });

  it('a misspelled security field is still caught by the policy', () => {
    const docs = renderWith(onMain((c) => { delete c.securityContext.allowPrivilegeEscalation; c.securityContext.allowPrivilegeEscalaton = false; }));
    expect(policy(docs, closed).map((x) => x.rule)).toEqual(['hardened-security-context']);
  });

  it('formats one stderr line per violation naming the object and the rule', () => {
    const [first] = policy(renderWith(onMain((c) => delete c.securityContext.allowPrivilegeEscalation)), closed);
    expect(first && formatViolation(first)).toBe(
      'openclaw-postrender: Deployment/alice-openclaw: container "openclaw" lacks securityContext.allowPrivilegeEscalation=false (rule hardened-security-context)',
    );
  });
});

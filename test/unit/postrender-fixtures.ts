// Hand-written manifests for the post-renderer tests: a clean render of one user (the shape the chart
// produces) and small builders to break it one rule at a time.
import type { Manifest } from '../../plugins/postrender/src/manifest.js';

export const USER = 'alice';
const labels = { 'app.kubernetes.io/name': 'openclaw', 'app.kubernetes.io/instance': 'alice-openclaw', 'openclaw.ai/user': USER };
const podLabels = { 'app.kubernetes.io/name': 'openclaw', 'app.kubernetes.io/instance': 'alice-openclaw' };

export const hardenedContainer = (name: string): Record<string, unknown> => ({
  name,
  image: 'ghcr.io/example/openclaw:2026.9.6',
  ports: [
    { name: 'gateway', containerPort: 18789 },
    { name: 'vnc', containerPort: 6080 },
  ],
  resources: { requests: { cpu: '250m', memory: '1Gi' } },
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
});

function withoutPorts(container: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...container };
  delete copy.ports;
  return copy;
}

export const podSpec = (): Record<string, unknown> => ({
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  initContainers: [withoutPorts(hardenedContainer('init-state'))],
  containers: [hardenedContainer('openclaw')],
  volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'alice-openclaw-data' } }],
});

export const deployment = (): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { ...podLabels } },
    template: { metadata: { labels: { ...podLabels } }, spec: podSpec() },
  },
});

export const networkPolicy = (): Manifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    podSelector: { matchLabels: { ...podLabels } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          {
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-manager' } },
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openclaw' } },
          },
        ],
        ports: [{ port: 18789, protocol: 'TCP' }, { port: 'vnc' }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
  },
});

export const service = (): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: { selector: { ...podLabels }, ports: [{ name: 'gateway', port: 18789, targetPort: 'gateway' }] },
});

export const secret = (): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  type: 'Opaque',
  stringData: { OPENCLAW_GATEWAY_TOKEN: 'not-a-real-token' },
});

export const configMap = (): Manifest => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  data: { 'openclaw.json': '{}' },
});

export const pvc = (): Manifest => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'alice-openclaw-data', labels: { ...labels }, annotations: { 'helm.sh/resource-policy': 'keep' } },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
});

export const ingress = (): Manifest => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    rules: [
      {
        host: 'alice.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'alice-openclaw', port: { name: 'gateway' } } } }] },
      },
    ],
  },
});

export const managedCertificate = (): Manifest => ({
  apiVersion: 'networking.gke.io/v1',
  kind: 'ManagedCertificate',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: { domains: ['alice.example.com'] },
});

export const backendConfig = (): Manifest => ({
  apiVersion: 'cloud.google.com/v1',
  kind: 'BackendConfig',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    timeoutSec: 3600,
    connectionDraining: { drainingTimeoutSec: 30 },
    healthCheck: { type: 'HTTP', requestPath: '/healthz', port: 18789, checkIntervalSec: 15, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 2 },
  },
});

export const frontendConfig = (): Manifest => ({
  apiVersion: 'networking.gke.io/v1beta1',
  kind: 'FrontendConfig',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: { redirectToHttps: { enabled: true, responseCodeName: 'PERMANENT_REDIRECT' } },
});

const serviceTarget = { group: '', kind: 'Service', name: 'alice-openclaw' };

export const httpRoute = (): Manifest => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    parentRefs: [{ name: 'external-http', namespace: 'gateway-infra', sectionName: 'https' }],
    hostnames: ['alice.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'alice-openclaw', port: 18789 }] }],
  },
});

export const gcpBackendPolicy = (): Manifest => ({
  apiVersion: 'networking.gke.io/v1',
  kind: 'GCPBackendPolicy',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: { default: { timeoutSec: 3600, connectionDraining: { drainingTimeoutSec: 30 } }, targetRef: { ...serviceTarget } },
});

export const healthCheckPolicy = (): Manifest => ({
  apiVersion: 'networking.gke.io/v1',
  kind: 'HealthCheckPolicy',
  metadata: { name: 'alice-openclaw', labels: { ...labels } },
  spec: {
    default: {
      checkIntervalSec: 15,
      timeoutSec: 5,
      config: { type: 'HTTP', httpHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: 18789, requestPath: '/healthz' } },
    },
    targetRef: { ...serviceTarget },
  },
});

/** The objects the chart adds with ingress.enabled, and with gatewayApi.enabled. */
export const ingressFamily = (): Manifest[] => [ingress(), managedCertificate(), backendConfig(), frontendConfig()];
export const gatewayApiFamily = (): Manifest[] => [httpRoute(), gcpBackendPolicy(), healthCheckPolicy()];

/** Every object of a clean render without ingress. */
export const cleanRender = (): Manifest[] => [networkPolicy(), secret(), configMap(), pvc(), service(), deployment()];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- table rows reach deep into arbitrary manifests
type Editable = Record<string, any>;

/** A deep copy of `doc` changed by `edit`, for one-line table rows. */
export function edited(doc: Manifest, edit: (copy: Editable) => void): Manifest {
  const copy = structuredClone(doc);
  edit(copy);
  return copy;
}

/** The clean render with the objects of the same kind and name replaced (or appended when new). */
export function renderWith(...replacements: Manifest[]): Manifest[] {
  const docs = cleanRender();
  for (const replacement of replacements) {
    const name = (replacement.metadata as { name?: string } | undefined)?.name;
    const at = docs.findIndex((d) => d.kind === replacement.kind && (d.metadata as { name?: string }).name === name);
    if (at === -1) docs.push(replacement);
    else docs[at] = replacement;
  }
  return docs;
}

/** The clean render without the objects of `kind`. */
export function renderWithout(kind: string): Manifest[] {
  return cleanRender().filter((d) => d.kind !== kind);
}

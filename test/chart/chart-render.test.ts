import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chartAppVersion, findObject, renderChart, renderChartError, valuesFile, type K8sObject } from '../support/render-chart.js';
import { helmBinary } from '../support/helm.js';

const example = 'values/users/user-example.yaml';
const appVersion = chartAppVersion();
const defaultImage = `us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:${appVersion}`;
const gatewayApiOn = { gatewayApi: { enabled: true, parentRef: { name: 'external-http', namespace: 'gateway-infra', sectionName: 'https' } } };

interface Scenario {
  readonly name: string;
  readonly files: readonly string[];
  readonly userId: string;
  readonly browser: boolean;
  readonly networkPolicy: boolean;
  readonly ingress: boolean;
  readonly gatewayApi: boolean;
}

const scenarios: readonly Scenario[] = [
  { name: 'default values', files: [valuesFile({ userId: 'bob' })], userId: 'bob', browser: true, networkPolicy: true, ingress: false, gatewayApi: false },
  { name: 'user-example', files: [example], userId: 'alice', browser: true, networkPolicy: true, ingress: false, gatewayApi: false },
  { name: 'ingress on', files: [example, valuesFile({ ingress: { enabled: true } })], userId: 'alice', browser: true, networkPolicy: true, ingress: true, gatewayApi: false },
  { name: 'gateway API on', files: [example, valuesFile(gatewayApiOn)], userId: 'alice', browser: true, networkPolicy: true, ingress: false, gatewayApi: true },
  { name: 'browser off', files: [example, valuesFile({ browser: { enabled: false } })], userId: 'alice', browser: false, networkPolicy: true, ingress: false, gatewayApi: false },
  { name: 'NetworkPolicy off', files: [example, valuesFile({ networkPolicy: { enabled: false } })], userId: 'alice', browser: true, networkPolicy: false, ingress: false, gatewayApi: false },
];

function podSpec(objects: readonly K8sObject[]) {
  return findObject(objects, 'Deployment').spec.template.spec;
}

describe.each(scenarios)('chart render: $name', (s) => {
  // The release's own objects; the `helm test` hook has its own tests below.
  const render = () => renderChart(s.files, ['--skip-tests']);
  const full = `${s.userId}-openclaw`;

  it('renders exactly the expected objects with the expected names', async () => {
    const objects = await render();
    const expected = ['Deployment', 'Service', 'Secret', 'ConfigMap', 'PersistentVolumeClaim'];
    if (s.networkPolicy) expected.push('NetworkPolicy');
    if (s.ingress) expected.push('Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig');
    if (s.gatewayApi) expected.push('HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy');
    expect(objects.map((o) => o.kind).sort()).toEqual([...expected].sort());
    for (const o of objects) {
      const name = o.kind === 'PersistentVolumeClaim' ? `${s.userId}-openclaw-data` : full;
      expect(o.metadata.name, o.kind).toBe(name);
      expect(o.metadata.namespace).toBe('openclaw');
    }
  });

  it('labels every object and the pod with the user and app.kubernetes.io/*', async () => {
    const objects = await render();
    const labelled = [...objects.map((o) => o.metadata.labels), findObject(objects, 'Deployment').spec.template.metadata.labels];
    for (const labels of labelled) {
      expect(labels).toMatchObject({
        'openclaw.ai/user': s.userId,
        'app.kubernetes.io/name': 'openclaw',
        'app.kubernetes.io/instance': 'alice',
        'app.kubernetes.io/managed-by': 'Helm',
      });
    }
  });

  it('runs one hardened, Recreate-strategy replica with probes and real resources', async () => {
    const objects = await render();
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    const pod = podSpec(objects);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    expect(c.image).toBe(defaultImage);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(c.envFrom).toEqual([{ secretRef: { name: full } }]);
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/startupz');
    expect(c.startupProbe.httpGet.path).toBe('/startupz');
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
    // The gateway alone idles at ~1 GB; anything below that is OOM-killed.
    expect(parseQuantity(c.resources.requests.memory)).toBeGreaterThanOrEqual(parseQuantity('1536Mi'));
    expect(c.resources.requests.cpu).toBeDefined();
    expect(parseQuantity(c.resources.limits.memory)).toBeGreaterThanOrEqual(parseQuantity(c.resources.requests.memory));
    const ports = c.ports.map((p: { name: string; containerPort: number }) => `${p.name}:${p.containerPort}`);
    expect(ports).toEqual(s.browser ? ['gateway:18789', 'novnc:6080'] : ['gateway:18789']);
    for (const v of pod.volumes) expect(v.hostPath, v.name).toBeUndefined();
  });

  it('puts the state dir on the PVC, /tmp on an emptyDir and /dev/shm in memory when the browser runs', async () => {
    const objects = await render();
    const pod = podSpec(objects);
    const [c] = pod.containers;
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const mount = (path: string) => c.volumeMounts.find((m: { mountPath: string }) => path.startsWith(m.mountPath) && (path === m.mountPath || path[m.mountPath.length] === '/'));
    const volume = (name: string) => pod.volumes.find((v: { name: string }) => v.name === name);
    expect(volume(mount(env.OPENCLAW_STATE_DIR).name).persistentVolumeClaim.claimName).toBe(`${s.userId}-openclaw-data`);
    expect(volume(mount('/tmp').name).emptyDir).toBeDefined();
    expect(env.OPENCLAW_BROWSER_ENABLED).toBe(String(s.browser));
    const shm = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/dev/shm');
    if (s.browser) expect(volume(shm.name).emptyDir.medium).toBe('Memory');
    else expect(shm).toBeUndefined();
  });

  it('exposes a ClusterIP Service only, pointing the Ingress\'s load balancer at the BackendConfig when there is one', async () => {
    const service = findObject(await render(), 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    const ports = service.spec.ports.map((p: { port: number }) => p.port);
    expect(ports).toEqual(s.browser ? [18789, 6080] : [18789]);
    const backendConfig = service.metadata.annotations?.['cloud.google.com/backend-config'];
    if (s.ingress) expect(JSON.parse(backendConfig ?? '')).toEqual({ ports: { gateway: full } });
    else expect(service.metadata.annotations).toBeUndefined();
  });

  it('admits only the manager and keeps egress off the metadata server and private ranges', async () => {
    const objects = await render();
    if (!s.networkPolicy) {
      expect(objects.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
      return;
    }
    const policy = findObject(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels['openclaw.ai/user']).toBe(s.userId);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const [managerRule, testRule, ...rest] = policy.spec.ingress;
    expect(managerRule.from).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-manager' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openclaw' } },
    }]);
    expect(managerRule.ports.map((p: { port: number }) => p.port)).toEqual(s.browser ? [18789, 6080] : [18789]);
    // The release's own `helm test` pod, on the gateway port only.
    expect(testRule).toEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-test', 'app.kubernetes.io/instance': 'alice', 'openclaw.ai/user': s.userId } } }],
      ports: [{ port: 18789, protocol: 'TCP' }],
    });
    // Only a public gateway adds the load balancer's ranges, and only to the gateway port.
    expect(rest).toEqual(s.ingress || s.gatewayApi
      ? [{ from: [{ ipBlock: { cidr: '130.211.0.0/22' } }, { ipBlock: { cidr: '35.191.0.0/16' } }], ports: [{ port: 18789, protocol: 'TCP' }] }]
      : []);
    const egressBlock = policy.spec.egress.flatMap((r: { to?: { ipBlock?: { cidr: string; except: string[] } }[] }) => r.to ?? []).find((t: { ipBlock?: unknown }) => t.ipBlock);
    expect(egressBlock.ipBlock.cidr).toBe('0.0.0.0/0');
    expect(egressBlock.ipBlock.except).toEqual(expect.arrayContaining(['169.254.169.254/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']));
  });

  it('creates the Ingress, its certificate, redirect and backend settings only with ingress, for <userId>.<domainBase>', async () => {
    const objects = await render();
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    for (const kind of ['Ingress', 'ManagedCertificate', 'BackendConfig', 'FrontendConfig']) {
      expect(objects.filter((o) => o.kind === kind), kind).toHaveLength(s.ingress ? 1 : 0);
    }
    if (!s.ingress) return;
    const host = `${s.userId}.openclaw.zazz.buzz`;
    expect(ingresses[0]?.spec.rules[0].host).toBe(host);
    expect(ingresses[0]?.spec.rules[0].http.paths[0].backend.service).toEqual({ name: full, port: { name: 'gateway' } });
    expect(ingresses[0]?.metadata.annotations).toMatchObject({ 'networking.gke.io/managed-certificates': full, 'networking.gke.io/v1beta1.FrontendConfig': full });
    const certificate = findObject(objects, 'ManagedCertificate');
    expect(certificate.apiVersion).toBe('networking.gke.io/v1');
    expect(certificate.spec.domains).toEqual([host]);
    const frontend = findObject(objects, 'FrontendConfig');
    expect(frontend.apiVersion).toBe('networking.gke.io/v1beta1');
    expect(frontend.spec).toEqual({ redirectToHttps: { enabled: true, responseCodeName: 'PERMANENT_REDIRECT' } });
    const backend = findObject(objects, 'BackendConfig');
    expect(backend.apiVersion).toBe('cloud.google.com/v1');
    expect(backend.spec).toEqual({
      timeoutSec: 3600,
      connectionDraining: { drainingTimeoutSec: 30 },
      healthCheck: { type: 'HTTP', requestPath: '/healthz', port: 18789, checkIntervalSec: 15, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 2 },
    });
  });

  it('creates the HTTPRoute on the operator\'s Gateway and its GKE policies only with gatewayApi', async () => {
    const objects = await render();
    for (const kind of ['HTTPRoute', 'GCPBackendPolicy', 'HealthCheckPolicy']) {
      expect(objects.filter((o) => o.kind === kind), kind).toHaveLength(s.gatewayApi ? 1 : 0);
    }
    if (!s.gatewayApi) return;
    const route = findObject(objects, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'external-http', namespace: 'gateway-infra', sectionName: 'https' }],
      hostnames: [`${s.userId}.openclaw.zazz.buzz`],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: full, port: 18789 }] }],
    });
    const service = { group: '', kind: 'Service', name: full };
    const backend = findObject(objects, 'GCPBackendPolicy');
    expect(backend.apiVersion).toBe('networking.gke.io/v1');
    expect(backend.spec).toEqual({ default: { timeoutSec: 3600, connectionDraining: { drainingTimeoutSec: 30 } }, targetRef: service });
    const health = findObject(objects, 'HealthCheckPolicy');
    expect(health.apiVersion).toBe('networking.gke.io/v1');
    expect(health.spec).toEqual({
      default: {
        checkIntervalSec: 15, timeoutSec: 5, healthyThreshold: 1, unhealthyThreshold: 2,
        config: { type: 'HTTP', httpHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: 18789, requestPath: '/healthz' } },
      },
      targetRef: service,
    });
  });
});

describe('chart render: the helm test hook', () => {
  const hooks = async (files: readonly string[]) => (await renderChart(files)).filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');

  it('is a hardened pod on the instance image that asks the gateway for health through the Service with the token', async () => {
    const [policy, pod] = await hooks([example]);
    expect(policy?.kind).toBe('NetworkPolicy');
    expect(pod?.kind).toBe('Pod');
    expect(pod?.metadata.name).toBe('alice-openclaw-test');
    expect(pod?.metadata.labels).toMatchObject({ 'openclaw.ai/user': 'alice', 'app.kubernetes.io/name': 'openclaw-test', 'app.kubernetes.io/component': 'test' });
    // Never selected by the instance's Service or NetworkPolicy (app.kubernetes.io/name differs).
    expect(pod?.metadata.labels?.['app.kubernetes.io/name']).not.toBe('openclaw');
    const spec = pod?.spec;
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.automountServiceAccountToken).toBe(false);
    const [container] = spec.containers;
    expect(container.image).toBe(defaultImage);
    expect(container.command.slice(0, 3)).toEqual(['node', '--input-type=module', '--eval']);
    expect(container.command[3]).toContain("send('health', 'health', {})");
    expect(container.env).toEqual([
      { name: 'GATEWAY_URL', value: 'ws://alice-openclaw.openclaw.svc:18789' },
      { name: 'OPENCLAW_GATEWAY_TOKEN', valueFrom: { secretKeyRef: { name: 'alice-openclaw', key: 'OPENCLAW_GATEWAY_TOKEN' } } },
    ]);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
  });

  it("has its own policy: DNS and the instance's gateway port, nothing in", async () => {
    const [policy] = await hooks([example]);
    expect(policy?.metadata.annotations?.['helm.sh/hook-weight']).toBe('-1');
    expect(policy?.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'openclaw-test', 'app.kubernetes.io/instance': 'alice', 'openclaw.ai/user': 'alice' });
    expect(policy?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.spec.ingress).toBeUndefined();
    expect(policy?.spec.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw', 'app.kubernetes.io/instance': 'alice', 'openclaw.ai/user': 'alice' } } }],
      ports: [{ port: 18789, protocol: 'TCP' }],
    });
  });

  it('schedules like the instance (nodeSelector, tolerations)', async () => {
    const placement = { nodeSelector: { pool: 'users' }, tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] };
    const [, pod] = await hooks([example, valuesFile(placement)]);
    expect(pod?.spec.nodeSelector).toEqual(placement.nodeSelector);
    expect(pod?.spec.tolerations).toEqual(placement.tolerations);
  });
});

describe('chart render: public exposure', () => {
  it('is off by default: no Ingress and no HTTPRoute in the output', async () => {
    const result = await execa(helmBinary(), ['template', 'alice', 'chart', '-f', example]);
    expect(result.stdout.match(/^kind: Ingress$/gm)).toBeNull();
    expect(result.stdout.match(/^kind: HTTPRoute$/gm)).toBeNull();
    expect(result.stdout).toMatch(/^kind: Service$/m);
  });

  it('takes the backend timeout and draining from values, in both modes', async () => {
    const tuned = { ingress: { timeoutSec: 86400, drainingTimeoutSec: 10 } };
    const ingress = await renderChart([example, valuesFile({ ...tuned, ingress: { ...tuned.ingress, enabled: true } })]);
    expect(findObject(ingress, 'BackendConfig').spec).toMatchObject({ timeoutSec: 86400, connectionDraining: { drainingTimeoutSec: 10 } });
    const route = await renderChart([example, valuesFile({ ...tuned, ...gatewayApiOn })]);
    expect(findObject(route, 'GCPBackendPolicy').spec.default).toEqual({ timeoutSec: 86400, connectionDraining: { drainingTimeoutSec: 10 } });
  });

  it.each([
    ['nothing public', {}, undefined],
    ['ingress', { ingress: { enabled: true } }, 'Public endpoint: https://alice.openclaw.zazz.buzz (the Google-managed certificate can take up to an hour).'],
    ['the Gateway API', gatewayApiOn, 'Public endpoint: https://alice.openclaw.zazz.buzz through Gateway gateway-infra/external-http.'],
  ])('names the public endpoint in NOTES.txt: %s', async (_name, values, line) => {
    const result = await execa(helmBinary(), ['install', 'alice-openclaw', 'chart', '-n', 'openclaw', '--dry-run=client', '-f', example, '-f', valuesFile(values)]);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:')).split('\n');
    expect(notes.filter((l) => l.startsWith('Public endpoint'))).toEqual(line === undefined ? [] : [line]);
  });

  it('attaches to a Gateway in the release namespace and every listener when only its name is given', async () => {
    const route = findObject(await renderChart([example, valuesFile({ gatewayApi: { enabled: true, parentRef: { name: 'shared' } } })]), 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ name: 'shared' }]);
  });

  it.each([
    ['both ways in at once', { ingress: { enabled: true }, ...gatewayApiOn }, 'ingress.enabled and gatewayApi.enabled are both true: expose the gateway one way only (set one of them to false)'],
    ['the Gateway API without a Gateway', { gatewayApi: { enabled: true } }, 'gatewayApi.parentRef.name is required when gatewayApi.enabled is true: name the Gateway to attach the route to'],
  ])('refuses %s with a message naming the values', async (_name, values, message) => {
    expect(await renderChartError([example, valuesFile(values)])).toContain(message);
  });
});

describe('chart render: the instance image', () => {
  const imageOf = async (image: object): Promise<string> =>
    findObject(await renderChart([example, valuesFile({ image })]), 'Deployment').spec.template.spec.containers[0].image;
  const digest = `sha256:${'ab'.repeat(32)}`;

  it('defaults the tag to the chart\'s appVersion, never latest', async () => {
    expect(appVersion).toBe(/^OPENCLAW_VERSION=(.+)$/m.exec(readFileSync('versions.env', 'utf8'))?.[1]);
    expect(await imageOf({})).toBe(defaultImage);
  });

  it('takes a tag, and pins a digest over it', async () => {
    expect(await imageOf({ tag: '2026.9.7' })).toBe('us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:2026.9.7');
    expect(await imageOf({ digest })).toBe(`${defaultImage}@${digest}`);
    expect(await imageOf({ tag: 'v2', digest })).toBe(`us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:v2@${digest}`);
  });

  it('refuses a digest that is not sha256', async () => {
    expect(await renderChartError([example, valuesFile({ image: { digest: 'md5:abc' } })])).toContain('/image/digest');
  });
});

describe('chart render: secrets, config and data', () => {
  it('puts the user secrets and a generated 48-character gateway token in the Secret', async () => {
    const secret = findObject(await renderChart([example]), 'Secret');
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(data.ANTHROPIC_API_KEY).toBe('sk-ant-replace-me');
    expect(data.OPENCLAW_GATEWAY_TOKEN).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it("names a default model of the provider whose key the example user supplies", async () => {
    const objects = await renderChart([example]);
    const config = JSON.parse(findObject(objects, 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    const keys = Object.keys(findObject(objects, 'Secret').data ?? {});
    expect(config.agents.defaults.model.primary).toMatch(/^anthropic\//);
    expect(keys).toContain('ANTHROPIC_API_KEY');
  });

  it('uses a given gateway token as is', async () => {
    const token = 'given-token-0123456789abcdefghijklmnop';
    const secret = findObject(await renderChart([example, valuesFile({ gatewayToken: token })]), 'Secret');
    expect(Buffer.from(secret.data?.OPENCLAW_GATEWAY_TOKEN ?? '', 'base64').toString()).toBe(token);
  });

  it('leaves the keys the platform owns to the entrypoint: the ConfigMap is the operator\'s config only', async () => {
    const config = JSON.parse(findObject(await renderChart([example]), 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    expect(config.gateway).toBeUndefined();
    expect(config.browser).toBeUndefined();
    const deployment = findObject(await renderChart([example]), 'Deployment');
    const env = Object.fromEntries((deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(env.OPENCLAW_CONFIG_TEMPLATE).toBe('/etc/openclaw/openclaw.json');
  });

  it('puts values.config in the ConfigMap as it is and rolls the pod when it changes', async () => {
    const before = await renderChart([example]);
    const after = await renderChart([example, valuesFile({ config: { logging: { level: 'debug' }, gateway: { auth: { rateLimit: 5 } } } })]);
    const config = JSON.parse(findObject(after, 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    expect(config.logging).toEqual({ level: 'debug' });
    expect(config.gateway.auth).toEqual({ rateLimit: 5 });
    const checksum = (o: K8sObject[]) => findObject(o, 'Deployment').spec.template.metadata.annotations['checksum/config'];
    expect(checksum(after)).not.toBe(checksum(before));
    expect(checksum(await renderChart([example]))).toBe(checksum(before));
  });

  it('keeps the data volume on uninstall by default, with size and class from values', async () => {
    const pvc = findObject(await renderChart([example, valuesFile({ persistence: { size: '20Gi', storageClass: 'standard-rwo' } })]), 'PersistentVolumeClaim');
    expect(pvc.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(pvc.spec.resources.requests.storage).toBe('20Gi');
    expect(pvc.spec.storageClassName).toBe('standard-rwo');
    const unkept = findObject(await renderChart([example, valuesFile({ persistence: { keep: false } })]), 'PersistentVolumeClaim');
    expect(unkept.metadata.annotations?.['helm.sh/resource-policy']).toBeUndefined();
  });

  it('makes the data volume from the VolumeSnapshot persistence.restoreFrom names, and only then', async () => {
    const restored = findObject(await renderChart([example, valuesFile({ persistence: { restoreFrom: 'alice-openclaw-backup-0123456789ab' } })]), 'PersistentVolumeClaim');
    expect(restored.spec.dataSource).toEqual({ apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'alice-openclaw-backup-0123456789ab' });
    expect(findObject(await renderChart([example]), 'PersistentVolumeClaim').spec.dataSource).toBeUndefined();
  });

  it('scales to zero when stopped', async () => {
    const deployment = findObject(await renderChart([example, valuesFile({ replicas: 0 })]), 'Deployment');
    expect(deployment.spec.replicas).toBe(0);
  });

  it('prints next steps in NOTES.txt without any secret', async () => {
    const token = 'notes-token-0123456789abcdefghijklmnopq';
    const result = await execa(helmBinary(), ['install', 'alice-openclaw', 'chart', '-n', 'openclaw', '--dry-run=client', '-f', example, '-f', valuesFile({ gatewayToken: token })]);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('helm openclaw pair alice');
    expect(notes).toContain('kubectl get pods -n openclaw -l openclaw.ai/user=alice');
    expect(notes).not.toContain(token);
    expect(notes).not.toContain('sk-ant-replace-me');
  });
});

describe('chart render: podSecurity.arbitraryUid (values/openshift.yaml)', () => {
  const openshift = [example, 'values/openshift.yaml'];
  // Any of the three, at any depth of any object, hooks included: OpenShift's admission rejects a
  // pod that names a uid outside the namespace's range.
  const fixedIdentity = /"(runAsUser|runAsGroup|fsGroup)":/;

  it.each([
    { name: 'user-example', files: [example], fixed: true },
    { name: 'user-example + values/openshift.yaml', files: openshift, fixed: false },
    { name: 'openshift with the browser off', files: [...openshift, valuesFile({ browser: { enabled: false } })], fixed: false },
  ])('$name renders a fixed runAsUser, runAsGroup or fsGroup: $fixed', async ({ files, fixed }) => {
    expect(fixedIdentity.test(JSON.stringify(await renderChart(files)))).toBe(fixed);
  });

  it('keeps runAsNonRoot, no privilege escalation, drop ALL, RuntimeDefault seccomp and the read-only root', async () => {
    const pod = podSpec(await renderChart(openshift, ['--skip-tests']));
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    // A uid without a passwd entry gets its home from here, on the volume.
    expect(c.env).toContainEqual({ name: 'HOME', value: '/data/home' });
  });
});

function parseQuantity(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m?.[1]) throw new Error(`unexpected quantity ${q}`);
  const scale = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * scale;
}

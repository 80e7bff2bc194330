import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { findObject, renderChart, valuesFile, type K8sObject } from '../support/render-chart.js';
import { helmBinary } from '../support/helm.js';

const example = 'values/users/user-example.yaml';

interface Scenario {
  readonly name: string;
  readonly files: readonly string[];
  readonly userId: string;
  readonly browser: boolean;
  readonly networkPolicy: boolean;
  readonly ingress: boolean;
}

const scenarios: readonly Scenario[] = [
  { name: 'default values', files: [valuesFile({ userId: 'bob' })], userId: 'bob', browser: true, networkPolicy: true, ingress: false },
  { name: 'user-example', files: [example], userId: 'alice', browser: true, networkPolicy: true, ingress: false },
  { name: 'ingress on', files: [example, valuesFile({ ingress: { enabled: true } })], userId: 'alice', browser: true, networkPolicy: true, ingress: true },
  { name: 'browser off', files: [example, valuesFile({ browser: { enabled: false } })], userId: 'alice', browser: false, networkPolicy: true, ingress: false },
  { name: 'NetworkPolicy off', files: [example, valuesFile({ networkPolicy: { enabled: false } })], userId: 'alice', browser: true, networkPolicy: false, ingress: false },
];

function podSpec(objects: readonly K8sObject[]) {
  return findObject(objects, 'Deployment').spec.template.spec;
}

describe.each(scenarios)('chart render: $name', (s) => {
  const render = () => renderChart(s.files);
  const full = `${s.userId}-openclaw`;

  it('renders exactly the expected objects with the expected names', async () => {
    const objects = await render();
    const expected = ['Deployment', 'Service', 'Secret', 'ConfigMap', 'PersistentVolumeClaim'];
    if (s.networkPolicy) expected.push('NetworkPolicy');
    if (s.ingress) expected.push('Ingress', 'ManagedCertificate');
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
    expect(c.image).toBe('us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-gke:latest');
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

  it('exposes a ClusterIP Service only', async () => {
    const service = findObject(await render(), 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    const ports = service.spec.ports.map((p: { port: number }) => p.port);
    expect(ports).toEqual(s.browser ? [18789, 6080] : [18789]);
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
    const [managerRule, ...rest] = policy.spec.ingress;
    expect(managerRule.from).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'openclaw-manager' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openclaw' } },
    }]);
    expect(managerRule.ports.map((p: { port: number }) => p.port)).toEqual(s.browser ? [18789, 6080] : [18789]);
    // Only the public Ingress adds the load balancer's ranges, and only to the gateway port.
    expect(rest.length).toBe(s.ingress ? 1 : 0);
    const egressBlock = policy.spec.egress.flatMap((r: { to?: { ipBlock?: { cidr: string; except: string[] } }[] }) => r.to ?? []).find((t: { ipBlock?: unknown }) => t.ipBlock);
    expect(egressBlock.ipBlock.cidr).toBe('0.0.0.0/0');
    expect(egressBlock.ipBlock.except).toEqual(expect.arrayContaining(['169.254.169.254/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']));
  });

  it('creates the Ingress and ManagedCertificate only when enabled, for <userId>.<domainBase>', async () => {
    const objects = await render();
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    const certificates = objects.filter((o) => o.kind === 'ManagedCertificate');
    expect(ingresses).toHaveLength(s.ingress ? 1 : 0);
    expect(certificates).toHaveLength(s.ingress ? 1 : 0);
    if (!s.ingress) return;
    const host = `${s.userId}.openclaw.zazz.buzz`;
    expect(ingresses[0]?.spec.rules[0].host).toBe(host);
    expect(ingresses[0]?.metadata.annotations?.['networking.gke.io/managed-certificates']).toBe(full);
    expect(certificates[0]?.apiVersion).toBe('networking.gke.io/v1');
    expect(certificates[0]?.spec.domains).toEqual([host]);
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

  it('configures the gateway on loopback behind the forwarder, with token auth and the in-pod browser', async () => {
    const config = JSON.parse(findObject(await renderChart([example]), 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    expect(config.gateway).toEqual({ mode: 'local', bind: 'loopback', port: 18790, auth: { mode: 'token' } });
    // Exactly this: the gateway rewrites the config at start when it finds a legacy key (e.g. a profile's color).
    expect(config.browser).toEqual({ enabled: true, noSandbox: true, defaultProfile: 'pod', profiles: { pod: { cdpUrl: 'http://127.0.0.1:9222' } } });
    const noBrowser = JSON.parse(findObject(await renderChart([example, valuesFile({ browser: { enabled: false } })]), 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    expect(noBrowser.browser).toBeUndefined();
  });

  it('deep-merges values.config over the generated config and rolls the pod when it changes', async () => {
    const before = await renderChart([example]);
    const after = await renderChart([example, valuesFile({ config: { logging: { level: 'debug' }, gateway: { auth: { rateLimit: 5 } } } })]);
    const config = JSON.parse(findObject(after, 'ConfigMap').data?.['openclaw.json'] ?? '{}');
    expect(config.logging).toEqual({ level: 'debug' });
    expect(config.gateway.auth).toEqual({ mode: 'token', rateLimit: 5 });
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

function parseQuantity(q: string): number {
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m?.[1]) throw new Error(`unexpected quantity ${q}`);
  const scale = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * scale;
}

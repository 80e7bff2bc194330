// manager/chart: the manager's own objects, rendered by the real helm. The image of this version by
// default, a Pod Security "restricted" pod with distinct readiness and liveness probes, its Role in the
// release's namespace only, NetworkPolicies that match the instances' own, and a strict schema.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { helmBinary } from '../support/helm.js';
import { chartAppVersion, findObject, parseManifests, renderChart, valuesFile, type K8sObject } from '../support/render-chart.js';

const CHART = 'manager/chart';

async function helmTemplate(values: unknown): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa(helmBinary(), ['template', 'openclaw-manager', CHART, '-n', 'platform', '-f', valuesFile(values)], { reject: false });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

async function render(values: unknown = {}): Promise<K8sObject[]> {
  const result = await helmTemplate(values);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return parseManifests(result.stdout);
}

async function refusal(values: unknown): Promise<string> {
  const result = await helmTemplate(values);
  if (result.exitCode === 0) throw new Error(`expected the values ${JSON.stringify(values)} to be refused`);
  return result.stderr;
}

interface EnvVar { name: string; value?: string; valueFrom?: unknown }
const container = (objects: readonly K8sObject[]) => findObject(objects, 'Deployment').spec.template.spec.containers[0];
const env = (objects: readonly K8sObject[]): Record<string, EnvVar> =>
  Object.fromEntries((container(objects).env as EnvVar[]).map((e) => [e.name, e]));

describe('manager chart', () => {
  it('passes helm lint --strict', async () => {
    const lint = await execa(helmBinary(), ['lint', '--strict', CHART], { reject: false });
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
  });

  it('renders the manager, its Service, ServiceAccount, Role and binding and its NetworkPolicy, all in the release namespace', async () => {
    const objects = await render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/openclaw-manager', 'NetworkPolicy/openclaw-manager', 'Role/openclaw-manager', 'RoleBinding/openclaw-manager',
      'Service/openclaw-manager', 'ServiceAccount/openclaw-manager',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'platform')).toBe(true);
    const binding = findObject(objects, 'RoleBinding') as K8sObject & { subjects: unknown; roleRef: unknown };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'openclaw-manager', namespace: 'platform' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'openclaw-manager' });
  });

  it('runs this version of the manager image (never a moving tag) as one restricted pod, the old one gone before a new one starts', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(chartAppVersion('manager/chart')).toBe(version);
    const objects = await render();
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(container(objects).image).toBe(`us-central1-docker.pkg.dev/learneroid/openclaw/openclaw-manager:${version}`);
    expect(container(objects).securityContext).toMatchObject({
      runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'openclaw-manager', securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } });
    expect(await refusal({ image: { tag: 'latest' } })).toContain("at '/image/tag'");
    expect(await refusal({ replicas: 2 })).toContain("at '/replicas'");
  });

  it('has a readiness probe on /health and a liveness probe on the port alone', async () => {
    const c = container(await render());
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' } });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' } });
    expect(c.livenessProbe.httpGet).toBeUndefined();
  });

  it('configures the manager for its namespace, with the API key from the Secret and more settings by name', async () => {
    const objects = await render({
      apiKeySecret: { name: 'manager-key', key: 'key' },
      instances: { imageRepository: 'registry.example/oc/openclaw-gke', imageTag: '2026.9.6', domainBase: 'oc.example.com', idleStopAfter: '30m' },
      env: { OPENCLAW_LOG_LEVEL: 'debug', OPENCLAW_BACKUPS_KEEP: '3' },
    });
    const vars = env(objects);
    expect(vars.OPENCLAW_MANAGER_API_KEY).toEqual({ name: 'OPENCLAW_MANAGER_API_KEY', valueFrom: { secretKeyRef: { name: 'manager-key', key: 'key' } } });
    expect(Object.fromEntries(Object.entries(vars).filter(([, v]) => v.value !== undefined).map(([k, v]) => [k, v.value]))).toMatchObject({
      OPENCLAW_RUNTIME: 'helm', OPENCLAW_NAMESPACE: 'platform', OPENCLAW_IMAGE_REPO: 'registry.example/oc/openclaw-gke', OPENCLAW_IMAGE_TAG: '2026.9.6',
      OPENCLAW_DOMAIN_BASE: 'oc.example.com', OPENCLAW_IDLE_STOP_AFTER: '30m', OPENCLAW_LOG_LEVEL: 'debug', OPENCLAW_BACKUPS_KEEP: '3',
    });
    // The chart's own settings cannot be overridden through env, and only OPENCLAW_* names pass.
    expect(await refusal({ env: { OPENCLAW_NAMESPACE: 'other' } })).toContain("invalid propertyName 'OPENCLAW_NAMESPACE'");
    expect(await refusal({ env: { NODE_OPTIONS: '--inspect' } })).toContain("invalid propertyName 'NODE_OPTIONS'");
    expect(await refusal({ surprise: true })).toContain('surprise');
  });

  it('mounts the values files every instance gets and names them in OPENCLAW_VALUES_FILES; a change restarts the manager', async () => {
    expect(env(await render()).OPENCLAW_VALUES_FILES).toBeUndefined();
    const values = { 'b-pool.yaml': { nodeSelector: { pool: 'gateways' } }, 'a-first.yaml': { resources: { requests: { cpu: '1' } } } };
    const objects = await render({ instances: { values } });
    expect(env(objects).OPENCLAW_VALUES_FILES?.value).toBe('/etc/openclaw/values/a-first.yaml,/etc/openclaw/values/b-pool.yaml');
    const configMap = findObject(objects, 'ConfigMap', 'openclaw-manager-instance-values');
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(['a-first.yaml', 'b-pool.yaml']);
    expect(parseManifests(configMap.data?.['b-pool.yaml'] ?? '')).toEqual([{ nodeSelector: { pool: 'gateways' } }]);
    expect(container(objects).volumeMounts).toContainEqual({ name: 'instance-values', mountPath: '/etc/openclaw/values', readOnly: true });
    const checksum = (o: readonly K8sObject[]) => findObject(o, 'Deployment').spec.template.metadata.annotations['checksum/instance-values'];
    expect(checksum(objects)).not.toBe(checksum(await render({ instances: { values: { 'b-pool.yaml': { nodeSelector: { pool: 'other' } } } } })));
    expect(await refusal({ instances: { values: { '../escape.yaml': {} } } })).toContain('invalid propertyName');
  });

  it('admits only its clients, and reaches only DNS, the instances and the API server; the instances\' policy admits its pods', async () => {
    const objects = await render({ networkPolicy: { apiServer: { cidr: '10.0.0.1/32', port: 6443 } } });
    const policy = findObject(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'openclaw.ai/manager-client': 'true' } }, podSelector: { matchLabels: { 'openclaw.ai/manager-client': 'true' } } }],
      ports: [{ port: 3000, protocol: 'TCP' }],
    }]);
    expect(policy.spec.egress.at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
    expect(policy.spec.egress[1].to[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'openclaw' });

    const instance = findObject(await renderChart([valuesFile({ userId: 'alice' })]), 'NetworkPolicy');
    const managerPod = findObject(objects, 'Deployment').spec.template.metadata.labels as Record<string, string>;
    const admitted = instance.spec.ingress[0].from[0].podSelector.matchLabels as Record<string, string>;
    expect(Object.keys(admitted)).not.toEqual([]);
    expect(managerPod).toMatchObject(admitted);
    expect((await render({ networkPolicy: { enabled: false } })).map((o) => o.kind)).not.toContain('NetworkPolicy');
  });

  it('makes a ServiceMonitor that scrapes /metrics with the API key only when asked', async () => {
    expect((await render()).map((o) => o.kind)).not.toContain('ServiceMonitor');
    const monitor = findObject(await render({ serviceMonitor: { enabled: true, interval: '15s' } }), 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([{
      port: 'http', path: '/metrics', interval: '15s', authorization: { type: 'Bearer', credentials: { name: 'openclaw-manager', key: 'API_KEY' } },
    }]);
  });

  it('checks image tags by the openclaw chart\'s rule', () => {
    const tagPattern = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { definitions: { imageTag: { pattern: string } } }).definitions.imageTag.pattern;
    expect(tagPattern('manager/chart/values.schema.json')).toBe(tagPattern('chart/values.schema.json'));
  });
});

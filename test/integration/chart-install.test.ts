// chart-testing against the real control plane, for every chart/ci/*-values.yaml: install through the
// post-renderer and wait, upgrade rolls the pod, uninstall keeps the data volume, a re-install adopts
// it, purge deletes it. The public modes' objects (ingress-values, gateway-api-values) are checked by
// the API server against their CRDs: the test cluster's copies of GKE's and Gateway API's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { PLUGIN_DIRS, installPlugins, runHelm, type PluginHome } from '../support/helm.js';
import { createNamespace, deleteNamespace, getObject, kubectl, kubectlRun, waitFor } from '../support/kube.js';
import { parseManifests, type K8sObject } from '../support/render-chart.js';

const ciFiles = readdirSync('chart/ci').filter((f) => f.endsWith('-values.yaml')).sort();

interface CiValues { userId: string; ingress?: { enabled?: boolean }; gatewayApi?: { enabled?: boolean } }

function ciValues(file: string): CiValues {
  return parse(readFileSync(`chart/ci/${file}`, 'utf8')) as CiValues;
}

/** The post-renderer's opt-ins for what the values file exposes, as deploy-user.sh passes them. */
function rendererArgs(values: CiValues): string[] {
  return ['--post-renderer', 'openclaw-postrender',
    '--post-renderer-args', `--ingress-enabled=${values.ingress?.enabled === true}`,
    '--post-renderer-args', `--gateway-api-enabled=${values.gatewayApi?.enabled === true}`];
}

interface Named { metadata: { name: string; uid: string } }
interface DeploymentStatus { status?: { conditions?: { type: string; status: string }[] } }

let plugins: PluginHome;
let namespace: string;

beforeAll(async () => {
  plugins = await installPlugins([PLUGIN_DIRS.postrender]);
  namespace = await createNamespace('ct');
});
afterAll(async () => {
  await deleteNamespace(namespace);
  plugins.remove();
});

describe.each(ciFiles)('chart/ci/%s on a real cluster', (file) => {
  const values = ciValues(file);
  const user = values.userId;
  const release = `${user}-openclaw`;
  const pvc = `${user}-openclaw-data`;
  const helmArgs = (verb: string, extra: readonly string[] = []) => [
    verb, release, 'chart', '--namespace', namespace, '-f', `chart/ci/${file}`, ...rendererArgs(values),
    '--wait', '--timeout', '4m', ...extra,
  ];
  const helm = async (args: readonly string[]) => {
    const result = await runHelm(args, { env: plugins.env });
    expect(result.exitCode, `helm ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  const podNames = async () => {
    const list = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `openclaw.ai/user=${user}`, '-o', 'json'])) as { items: Named[] };
    return list.items.map((p) => p.metadata.name).sort();
  };
  const available = async () => {
    const d = await getObject<DeploymentStatus>('deployment', release, namespace);
    return d?.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ? true : undefined;
  };
  let pvcUid = '';

  it('installs with --wait through the post-renderer; every rendered object exists and the Deployment is Available', async () => {
    await helm(helmArgs('install'));
    const manifest = parseManifests(await helm(['get', 'manifest', release, '--namespace', namespace]));
    expect(manifest.length).toBeGreaterThanOrEqual(6);
    for (const o of manifest) {
      const live = await getObject<Named>(kindWithGroup(o.kind, o.apiVersion), o.metadata.name, namespace);
      expect(live, `${o.kind}/${o.metadata.name}`).toBeDefined();
    }
    expect(await available()).toBe(true);
    const claim = await getObject<Named & { status: { phase: string } }>('pvc', pvc, namespace);
    expect(claim?.status.phase).toBe('Bound');
    pvcUid = claim?.metadata.uid ?? '';
    expect(pvcUid).not.toBe('');
  });

  it('rolls the pod when an upgrade changes the config', async () => {
    const before = await podNames();
    expect(before).toHaveLength(1);
    await helm(helmArgs('upgrade', ['--set', 'config.logging.level=debug']));
    const after = await waitFor('the old pod to be replaced', async () => {
      const now = await podNames();
      return now.length === 1 && now[0] !== before[0] ? now : undefined;
    });
    expect(after[0]).not.toBe(before[0]);
    expect(await waitFor('Available after the upgrade', available)).toBe(true);
  });

  it('keeps the PVC on uninstall and adopts the same PVC (same UID) on re-install', async () => {
    await helm(['uninstall', release, '--namespace', namespace, '--wait']);
    expect(await getObject('deployment', release, namespace)).toBeUndefined();
    expect((await getObject<Named>('pvc', pvc, namespace))?.metadata.uid).toBe(pvcUid);
    await helm(helmArgs('install'));
    expect((await getObject<Named>('pvc', pvc, namespace))?.metadata.uid).toBe(pvcUid);
    expect(await available()).toBe(true);
  });

  it('purge (uninstall + delete the PVC) removes the data volume', async () => {
    await helm(['uninstall', release, '--namespace', namespace, '--wait']);
    await kubectl(['delete', 'pvc', pvc, '-n', namespace, '--wait=true', '--timeout=60s']);
    expect(await getObject('pvc', pvc, namespace)).toBeUndefined();
    expect(await runHelm(['status', release, '--namespace', namespace], { env: plugins.env })).toMatchObject({ exitCode: 1 });
  });
});

/** "Deployment" + "apps/v1" -> "Deployment.apps", so kubectl never guesses between groups. */
function kindWithGroup(kind: string, apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

describe('admission', () => {
  const render = async (file: string): Promise<string> => {
    const rendered = await runHelm(['template', 'dry', 'chart', '--namespace', namespace, '-f', `chart/ci/${file}`, ...rendererArgs(ciValues(file))], { env: plugins.env });
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    return rendered.stdout;
  };

  it.each(ciFiles)('helm template chart/ci/%s | kubectl apply --dry-run=server passes admission', async (file) => {
    const rendered = await render(file);
    const out = await kubectl(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], { input: rendered });
    const applied = out.split('\n').filter((l) => l.includes('(server dry run)'));
    expect(applied.length).toBe(parseManifests(rendered).length);
  });

  // The acceptance above means something only if the API server checks these kinds' fields.
  it.each([
    ['ingress-values.yaml', 'BackendConfig', (o: K8sObject): void => { o.spec.timeoutSec = '1h'; }, 'spec.timeoutSec'],
    ['ingress-values.yaml', 'FrontendConfig', (o: K8sObject): void => { o.spec.redirectToHttps.responseCodeName = 'MOVED'; }, 'spec.redirectToHttps.responseCodeName'],
    ['gateway-api-values.yaml', 'HTTPRoute', (o: K8sObject): void => { o.spec.hostnames = ['not a host']; }, 'spec.hostnames[0]'],
    ['gateway-api-values.yaml', 'GCPBackendPolicy', (o: K8sObject): void => { o.spec.default.connectionDraining.drainingTimeoutSec = 7200; }, 'spec.default.connectionDraining.drainingTimeoutSec'],
    ['gateway-api-values.yaml', 'HealthCheckPolicy', (o: K8sObject): void => { o.spec.default.config.type = 'FTP'; }, 'spec.default.config.type'],
  ] as const)('from chart/ci/%s: the API server refuses %s with a field of the wrong shape', async (file, kind, breakIt, field) => {
    const object = parseManifests(await render(file)).find((o) => o.kind === kind);
    expect(object, kind).toBeDefined();
    if (!object) return;
    breakIt(object);
    const result = await kubectlRun(['apply', '--dry-run=server', '-n', namespace, '-f', '-'], { input: JSON.stringify(object) });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(field);
  });
});

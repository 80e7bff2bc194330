import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigInvalid, DEFAULTS, loadConfig } from '../../manager/src/config.js';
import { chartAppVersion } from '../support/render-chart.js';

const KEY = 'k'.repeat(32);

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, HOME: '/home/x' });
    expect(config).toMatchObject({
      apiKey: KEY,
      port: 3000,
      host: '0.0.0.0',
      runtime: 'helm',
      namespace: 'openclaw',
      imageRepository: DEFAULTS.imageRepository,
      imageTag: chartAppVersion(),
      ingressEnabled: false,
      gatewayApiEnabled: false,
      domainBase: 'openclaw.zazz.buzz',
      gatewayUrlTemplate: 'ws://{service}.{namespace}.svc.cluster.local:18789',
      vncUrlTemplate: 'ws://{service}.{namespace}.svc.cluster.local:6080',
      localDataDir: '/home/x/.local/share/openclaw-platform/instances',
      localBrowser: 'auto',
      helmBin: 'helm',
      postRenderer: 'openclaw-postrender',
      logLevel: 'info',
      kubeconfig: undefined,
      valuesFiles: [],
      backupSnapshotClass: undefined,
      backupTimeoutMs: 600_000,
    });
    expect(config.chartDir).toMatch(/\/chart$/);
    expect(config.entrypoint).toMatch(/\/scripts\/instance-entrypoint\.sh$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      OPENCLAW_MANAGER_API_KEY: KEY,
      PORT: '8080',
      OPENCLAW_RUNTIME: 'local',
      OPENCLAW_NAMESPACE: 'tenants',
      OPENCLAW_IMAGE_REPO: 'registry.example:5000/oc/openclaw',
      OPENCLAW_IMAGE_TAG: '2026.9.6',
      OPENCLAW_INGRESS_ENABLED: 'true',
      OPENCLAW_DOMAIN_BASE: 'claw.example.com',
      OPENCLAW_GATEWAY_URL_TEMPLATE: 'ws://127.0.0.1:4000/{userId}',
      OPENCLAW_LOCAL_DATA_DIR: '/tmp/oc',
      OPENCLAW_LOCAL_BROWSER: 'off',
      OPENCLAW_CHART_DIR: '/opt/chart',
      HELM_BIN: '/usr/bin/helm',
      OPENCLAW_LOG_LEVEL: 'debug',
      KUBECONFIG: '/tmp/kc',
      OPENCLAW_VALUES_FILES: 'values/gke-autopilot.yaml, chart/values.yaml',
    });
    expect(config).toMatchObject({
      port: 8080, runtime: 'local', namespace: 'tenants', imageRepository: 'registry.example:5000/oc/openclaw', imageTag: '2026.9.6',
      ingressEnabled: true, domainBase: 'claw.example.com', gatewayUrlTemplate: 'ws://127.0.0.1:4000/{userId}',
      localDataDir: '/tmp/oc', localBrowser: 'off', chartDir: '/opt/chart', helmBin: '/usr/bin/helm', logLevel: 'debug', kubeconfig: '/tmp/kc',
      valuesFiles: [path.resolve('values/gke-autopilot.yaml'), path.resolve('chart/values.yaml')],
    });
  });

  it('reads the backup settings', () => {
    expect(loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, OPENCLAW_BACKUP_SNAPSHOT_CLASS: 'csi-hostpath-snapclass', OPENCLAW_BACKUP_TIMEOUT_SECONDS: '90' }))
      .toMatchObject({ backupSnapshotClass: 'csi-hostpath-snapclass', backupTimeoutMs: 90_000 });
  });

  it('reads OPENCLAW_GATEWAY_API_ENABLED, the other way to expose gateways', () => {
    expect(loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, OPENCLAW_GATEWAY_API_ENABLED: 'true' })).toMatchObject({ ingressEnabled: false, gatewayApiEnabled: true });
  });

  it('keeps the API key out of the environment handed to children', () => {
    const config = loadConfig({ OPENCLAW_MANAGER_API_KEY: KEY, PATH: '/bin' });
    expect(config.childEnv.PATH).toBe('/bin');
    expect(Object.values(config.childEnv)).not.toContain(KEY);
  });

  it.each([
    [{}, 'OPENCLAW_MANAGER_API_KEY is required'],
    [{ OPENCLAW_MANAGER_API_KEY: 'short' }, 'at least 16 characters'],
    [{ OPENCLAW_MANAGER_API_KEY: 'has a space in it ok?' }, 'must not contain whitespace'],
    [{ PORT: '0' }, 'PORT must be an integer 1-65535'],
    [{ PORT: 'http' }, 'PORT must be an integer 1-65535'],
    [{ OPENCLAW_RUNTIME: 'docker' }, 'OPENCLAW_RUNTIME must be "helm" or "local"'],
    [{ OPENCLAW_NAMESPACE: 'Bad_NS' }, 'OPENCLAW_NAMESPACE must be a DNS label'],
    [{ OPENCLAW_INGRESS_ENABLED: 'yes' }, 'OPENCLAW_INGRESS_ENABLED must be "true" or "false"'],
    [{ OPENCLAW_GATEWAY_API_ENABLED: 'on' }, 'OPENCLAW_GATEWAY_API_ENABLED must be "true" or "false"'],
    [{ OPENCLAW_INGRESS_ENABLED: 'true', OPENCLAW_GATEWAY_API_ENABLED: '1' }, 'OPENCLAW_INGRESS_ENABLED and OPENCLAW_GATEWAY_API_ENABLED are both true: expose gateways one way only'],
    [{ OPENCLAW_DOMAIN_BASE: 'localhost' }, 'OPENCLAW_DOMAIN_BASE must be a DNS name'],
    [{ OPENCLAW_IMAGE_REPO: 'repo/img:tag' }, 'OPENCLAW_IMAGE_REPO must be a repository without tag'],
    [{ OPENCLAW_IMAGE_TAG: 'bad tag' }, 'OPENCLAW_IMAGE_TAG is not a valid image tag'],
    [{ OPENCLAW_CHART_DIR: '/nonexistent-chart' }, 'cannot read /nonexistent-chart/Chart.yaml for the default image tag; set OPENCLAW_CHART_DIR or OPENCLAW_IMAGE_TAG'],
    [{ OPENCLAW_GATEWAY_URL_TEMPLATE: 'ws://{host}:1' }, 'unknown placeholder {host}'],
    [{ OPENCLAW_GATEWAY_URL_TEMPLATE: 'http://{service}:1' }, 'must be a ws:// or wss:// URL'],
    [{ OPENCLAW_VNC_URL_TEMPLATE: 'not a url' }, 'OPENCLAW_VNC_URL_TEMPLATE is not a URL'],
    [{ OPENCLAW_LOG_LEVEL: 'loud' }, 'OPENCLAW_LOG_LEVEL must be one of'],
    [{ OPENCLAW_LOCAL_BROWSER: 'on' }, 'OPENCLAW_LOCAL_BROWSER must be "auto" or "off"'],
    [{ OPENCLAW_VALUES_FILES: 'values/no-such-overlay.yaml' }, 'no-such-overlay.yaml does not exist or is not readable'],
    [{ OPENCLAW_VALUES_FILES: 'values' }, 'values is not a file'],
    [{ OPENCLAW_BACKUP_SNAPSHOT_CLASS: 'Fast_Snapshots' }, 'OPENCLAW_BACKUP_SNAPSHOT_CLASS must be a VolumeSnapshotClass name'],
    [{ OPENCLAW_BACKUP_TIMEOUT_SECONDS: '0' }, 'OPENCLAW_BACKUP_TIMEOUT_SECONDS must be a positive integer'],
    [{ OPENCLAW_BACKUP_TIMEOUT_SECONDS: '10m' }, 'OPENCLAW_BACKUP_TIMEOUT_SECONDS must be a positive integer'],
  ])('rejects %j with "%s"', (env, message) => {
    const full = 'OPENCLAW_MANAGER_API_KEY' in env ? env : { OPENCLAW_MANAGER_API_KEY: KEY, ...env };
    const attempt = (): unknown => loadConfig(Object.keys(env).length === 0 ? {} : full);
    expect(attempt).toThrow(ConfigInvalid);
    expect(attempt).toThrow(message);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'x', OPENCLAW_RUNTIME: 'y' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigInvalid).problems).toHaveLength(3);
    }
  });

  it('never puts the API key in an error message', () => {
    const secret = 'secret-key-value-that-is-long';
    expect(() => loadConfig({ OPENCLAW_MANAGER_API_KEY: secret, PORT: 'x' })).toThrow(ConfigInvalid);
    try {
      loadConfig({ OPENCLAW_MANAGER_API_KEY: secret, PORT: 'x' });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});

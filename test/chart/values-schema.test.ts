import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { renderChart, renderChartError, valuesFile } from '../support/render-chart.js';
import { helmBinary } from '../support/helm.js';

const example = 'values/users/user-example.yaml';

describe('values schema', () => {
  it('accepts user-example: helm lint --strict passes', async () => {
    const result = await execa(helmBinary(), ['lint', '--strict', 'chart', '-f', example], { reject: false });
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.exitCode).toBe(0);
  });

  it.each(['default-values.yaml', 'ingress-values.yaml', 'gateway-api-values.yaml', 'browser-off-values.yaml'])('accepts chart/ci/%s', async (file) => {
    const objects = await renderChart([`chart/ci/${file}`]);
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(true);
  });

  const long = 'a'.repeat(41);
  const rows: readonly [string, unknown, string][] = [
    ['userId left empty', {}, "at '/userId': minLength: got 0, want 1"],
    ['userId with capitals and underscore', { userId: 'Alice_1' }, "at '/userId': 'Alice_1' does not match pattern"],
    ['userId starting with a digit', { userId: '1abc' }, "at '/userId': '1abc' does not match pattern"],
    ['userId with a double dash', { userId: 'a--b' }, "at '/userId': 'a--b' does not match pattern"],
    ['userId ending with a dash', { userId: 'ab-' }, "at '/userId': 'ab-' does not match pattern"],
    ['userId of 41 characters', { userId: long }, "at '/userId': maxLength: got 41, want 40"],
    ['an unknown top-level key', { userId: 'alice', replicaCount: 2 }, "additional properties 'replicaCount' not allowed"],
    ['an unknown nested key', { userId: 'alice', image: { repository: 'x', tag: 'y', sha: 'z' } }, "at '/image': additional properties 'sha' not allowed"],
    ['replicas above 1', { userId: 'alice', replicas: 2 }, "at '/replicas'"],
    ['a secret name that is not an env var name', { userId: 'alice', secrets: { 'api-key': 'x' } }, "invalid propertyName 'api-key'"],
    ['a reserved secret name', { userId: 'alice', secrets: { OPENCLAW_GATEWAY_TOKEN: 'x' } }, "invalid propertyName 'OPENCLAW_GATEWAY_TOKEN'"],
    ['a non-string secret', { userId: 'alice', secrets: { ANTHROPIC_API_KEY: 42 } }, "at '/secrets/ANTHROPIC_API_KEY': got number, want string"],
    ['a short gateway token', { userId: 'alice', gatewayToken: 'short' }, "at '/gatewayToken'"],
    ['a memory request that is not a quantity', { userId: 'alice', resources: { requests: { cpu: '500m', memory: 'lots' } } }, "at '/resources/requests/memory': 'lots' does not match pattern"],
    ['resources without a cpu request', { userId: 'alice', resources: { requests: { cpu: null } } }, "missing property 'cpu'"],
    ['a start budget under 300 s', { userId: 'alice', gateway: { startupSeconds: 60 } }, "at '/gateway/startupSeconds': minimum: got 60, want 300"],
    ['a privileged port', { userId: 'alice', gateway: { port: 80 } }, "at '/gateway/port': minimum: got 80, want 1,024"],
    ['an invalid domain base', { userId: 'alice', ingress: { enabled: true, domainBase: 'not a domain' } }, "at '/ingress/domainBase'"],
    ['a bad CIDR', { userId: 'alice', networkPolicy: { egress: { deniedCidrs: ['10.0.0.0/33'] } } }, "at '/networkPolicy/egress/deniedCidrs/0'"],
    ['a backend timeout of 0 s', { userId: 'alice', ingress: { timeoutSec: 0 } }, "at '/ingress/timeoutSec': minimum: got 0, want 1"],
    ['a draining timeout over an hour', { userId: 'alice', ingress: { drainingTimeoutSec: 3601 } }, "at '/ingress/drainingTimeoutSec': maximum: got 3,601, want 3,600"],
    ['gatewayApi.enabled not a boolean', { userId: 'alice', gatewayApi: { enabled: 'yes' } }, "at '/gatewayApi/enabled': got string, want boolean"],
    ['a Gateway namespace that is not a DNS label', { userId: 'alice', gatewayApi: { parentRef: { namespace: 'Gateway_Infra' } } }, "at '/gatewayApi/parentRef/namespace': 'Gateway_Infra' does not match pattern"],
    ['an unknown key under gatewayApi.parentRef', { userId: 'alice', gatewayApi: { parentRef: { port: 443 } } }, "at '/gatewayApi/parentRef': additional properties 'port' not allowed"],
    ['a pull policy outside the enum', { userId: 'alice', image: { pullPolicy: 'Sometimes' } }, "at '/image/pullPolicy'"],
    ['a restoreFrom that is not an object name', { userId: 'alice', persistence: { restoreFrom: 'Backup_1' } }, "at '/persistence/restoreFrom': 'Backup_1' does not match pattern"],
    ['a restoreFrom longer than 253 characters', { userId: 'alice', persistence: { restoreFrom: 'a'.repeat(254) } }, "at '/persistence/restoreFrom': maxLength: got 254, want 253"],
    ['podSecurity.arbitraryUid not a boolean', { userId: 'alice', podSecurity: { arbitraryUid: 'yes' } }, "at '/podSecurity/arbitraryUid': got string, want boolean"],
  ];

  it.each(rows)('rejects %s, naming the field', async (_name, values, message) => {
    // Merged over the chart defaults, so only the row's change is wrong.
    const error = await renderChartError([valuesFile(values)]);
    expect(error).toContain("values don't meet the specifications of the schema");
    expect(error).toContain(message);
  });
});

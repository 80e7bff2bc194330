import { describe, expect, it } from 'vitest';
import { HttpError } from '../../manager/src/errors/http-error.js';
import { mapHelmError, schemaProblems, type HelmOperation } from '../../manager/src/runtime/helm/helm-error-map.js';
import { HelmCommandFailed, HelmNotFound } from '../../manager/src/runtime/helm/helm-errors.js';

const failed = (stderr: string, timedOut = false): HelmCommandFailed =>
  new HelmCommandFailed(['upgrade', '--install', 'alice-openclaw'], timedOut ? undefined : 1, stderr, timedOut);

const SCHEMA_STDERR = `Error: values don't meet the specifications of the schema(s) in the following chart(s):
openclaw:
- at '/secrets': additional properties 'lower' not allowed
- at '/userId': '1x' does not match pattern
- at '': additional properties 'notAValue' not allowed
`;

describe('mapHelmError', () => {
  it.each<[string, unknown, HelmOperation, number, string | undefined, string]>([
    ['operation in progress', failed('Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress'), 'install', 409, 'OPERATION_IN_PROGRESS', 'in progress'],
    ['name in use', failed('Error: INSTALLATION FAILED: cannot re-use a name that is still in use'), 'install', 409, 'INSTANCE_EXISTS', 'already exists'],
    ['values schema', failed(SCHEMA_STDERR), 'install', 400, 'INVALID_VALUES', "at '/secrets': additional properties 'lower' not allowed"],
    ['cluster unreachable', failed('Error: Kubernetes cluster unreachable: Get "https://10.0.0.1/version": dial tcp: connect: connection refused'), 'install', 503, 'RUNTIME_UNAVAILABLE', 'unreachable'],
    ['no such host', failed('Error: dial tcp: lookup api.example on 1.1.1.1:53: no such host'), 'uninstall', 503, 'RUNTIME_UNAVAILABLE', 'unreachable'],
    ['i/o timeout', failed('Error: Get "https://x/api": dial tcp 10.0.0.1:443: i/o timeout'), 'install', 503, 'RUNTIME_UNAVAILABLE', 'unreachable'],
    ['API server gone mid-answer', failed('Error: create: failed to create: unexpected error when reading response body. Please retry. Original error: unexpected EOF'), 'install', 503, 'RUNTIME_UNAVAILABLE', 'unreachable'],
    ['helm killed by our timeout', failed('', true), 'install', 503, 'RUNTIME_UNAVAILABLE', 'unreachable'],
    ['uninstall of an unknown release', failed('Error: uninstall: Release not loaded: alice-openclaw: release: not found'), 'uninstall', 404, 'INSTANCE_NOT_FOUND', 'not found'],
    ['upgrade of a release that is gone', failed('Error: UPGRADE FAILED: "alice-openclaw" has no deployed releases'), 'upgrade', 404, 'INSTANCE_NOT_FOUND', 'not found'],
    ['upgrade against the schema', failed(SCHEMA_STDERR), 'upgrade', 400, 'INVALID_VALUES', "at '/userId'"],
    ['anything else', failed('Error: secrets is forbidden: User "system:serviceaccount:openclaw:x" cannot create'), 'install', 502, 'RUNTIME_OPERATION_FAILED', 'helm install of instance "alice" failed'],
    ['helm missing', new HelmNotFound('/no/helm'), 'install', 500, 'HELM_NOT_FOUND', 'helm is not installed (or HELM_BIN is wrong)'],
  ])('%s', (_name, err, operation, status, code, message) => {
    const mapped = mapHelmError(err, 'alice', operation) as HttpError;
    expect(mapped).toBeInstanceOf(HttpError);
    expect(mapped.status).toBe(status);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(message);
    expect(mapped.expose).toBe(true);
  });

  it('keeps stderr out of 502 messages (details are logged only)', () => {
    const mapped = mapHelmError(failed('Error: something odd with token abc'), 'alice', 'install') as HttpError;
    expect(mapped.message).not.toContain('abc');
    expect(mapped.details).toMatchObject({ stderr: 'Error: something odd with token abc', exitCode: 1 });
  });

  it('passes other errors through', () => {
    const err = new Error('x');
    expect(mapHelmError(err, 'alice', 'install')).toBe(err);
  });

  it('names each bad value in details.problems, as every 400 does', () => {
    expect((mapHelmError(failed(SCHEMA_STDERR), 'alice', 'install') as HttpError).details).toEqual({
      problems: [
        { field: 'values.secrets', message: "additional properties 'lower' not allowed" },
        { field: 'values.userId', message: "'1x' does not match pattern" },
        { field: 'values', message: "additional properties 'notAValue' not allowed" },
      ],
    });
  });

  it('extracts the schema problems with their field paths', () => {
    expect(schemaProblems(SCHEMA_STDERR)).toEqual([
      "at '/secrets': additional properties 'lower' not allowed",
      "at '/userId': '1x' does not match pattern",
      "at '': additional properties 'notAValue' not allowed",
    ]);
  });
});

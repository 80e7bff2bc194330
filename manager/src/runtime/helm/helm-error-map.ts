// The one place helm failures become API answers: known stderr patterns to HTTP statuses. Anything
// unknown is a 502 whose details (args, exit code, scrubbed stderr) go to the log only.
import { HttpError, InvalidRequest, type FieldProblem } from '../../errors/http-error.js';
import {
  InstanceAlreadyExists, InstanceNotFound, OperationInProgress, RuntimeOperationFailed, RuntimeUnavailable,
} from '../runtime-errors.js';
import { HelmCommandFailed, HelmNotFound } from './helm-errors.js';

const IN_PROGRESS = /another operation \(install\/upgrade\/rollback\) is in progress/i;
const SCHEMA = /values don't meet the specifications of the schema/i;
// "unexpected EOF": the API server went away in the middle of answering (observed when it dies mid-install).
const UNREACHABLE = /kubernetes cluster unreachable|connection refused|no such host|i\/o timeout|context deadline exceeded|tls handshake timeout|connection reset by peer|network is unreachable|unexpected EOF/i;
const NOT_FOUND = /release: not found|not found$/im;
const NAME_IN_USE = /cannot re-use a name that is still in use/i;
const NO_DEPLOYED_RELEASE = /has no deployed releases/i;

/** `upgrade` changes an existing release (stop, start, new image tag); `history` reads its revisions. */
export type HelmOperation = 'install' | 'upgrade' | 'uninstall' | 'rollback' | 'history';

/** Problems helm's schema check reported, e.g. ["at '/userId': ..."], field paths kept ('' is the top level). */
export function schemaProblems(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim().replace(/^-\s*/, ''))
    .filter((line) => /^at '(\/|')/.test(line));
}

/** "at '/secrets/a': got number" -> { field: 'values.secrets.a', message: 'got number' }. */
function valuesProblem(problem: string): FieldProblem {
  const match = /^at '([^']*)':\s*(.*)$/.exec(problem);
  if (!match) return { field: 'values', message: problem };
  const pointer = (match[1] ?? '').split('/').filter((part) => part !== '');
  return { field: ['values', ...pointer].join('.'), message: match[2] ?? '' };
}

/** Maps an error from running helm for `userId`; non-helm errors pass through. */
export function mapHelmError(err: unknown, userId: string, operation: HelmOperation): unknown {
  if (err instanceof HelmNotFound) {
    return new HttpError(500, err.message, { code: 'HELM_NOT_FOUND', expose: true, cause: err });
  }
  if (!(err instanceof HelmCommandFailed)) return err;
  const { stderr } = err;
  if (IN_PROGRESS.test(stderr)) return new OperationInProgress(userId, 'another helm operation (install/upgrade/rollback)');
  if (NAME_IN_USE.test(stderr)) return new InstanceAlreadyExists(userId);
  if (SCHEMA.test(stderr)) {
    const problems = schemaProblems(stderr);
    const message = problems.length > 0 ? `Invalid instance values: ${problems.join('; ')}` : 'Invalid instance values (chart schema)';
    return new InvalidRequest(message, problems.map(valuesProblem), 'INVALID_VALUES');
  }
  if (UNREACHABLE.test(stderr) || err.timedOut) {
    return new RuntimeUnavailable('The Kubernetes cluster is unreachable; retry later', { cause: err });
  }
  if (operation !== 'install' && (NO_DEPLOYED_RELEASE.test(stderr) || NOT_FOUND.test(stderr))) return new InstanceNotFound(userId);
  return new RuntimeOperationFailed(`helm ${operation} of instance "${userId}" failed`, {
    cause: err,
    details: { args: err.args, exitCode: err.exitCode, stderr },
  });
}

// Conditions a runtime reports, each with the HTTP status the API answers with.
import { HttpError } from '../errors/http-error.js';

export class InstanceNotFound extends HttpError {
  constructor(userId: string) {
    super(404, `Instance "${userId}" not found`, { code: 'INSTANCE_NOT_FOUND' });
  }
}

export class InstanceAlreadyExists extends HttpError {
  constructor(userId: string) {
    super(409, `Instance "${userId}" already exists`, { code: 'INSTANCE_EXISTS' });
  }
}

/** Another create/delete of the same user is running (here or, for Helm, anywhere). */
export class OperationInProgress extends HttpError {
  constructor(userId: string, what = 'another operation') {
    super(409, `Instance "${userId}": ${what} is in progress; retry when it finishes`, {
      code: 'OPERATION_IN_PROGRESS',
      headers: { 'Retry-After': '5' },
    });
  }
}

export class InstanceNotReady extends HttpError {
  constructor(userId: string, phase: string) {
    super(503, `Instance "${userId}" is not ready (phase ${phase})`, {
      code: 'INSTANCE_NOT_READY',
      headers: { 'Retry-After': '5' },
    });
  }
}

/** The backend the runtime drives (the cluster, the local machine) cannot be reached or used. */
export class RuntimeUnavailable extends HttpError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(503, message, { code: 'RUNTIME_UNAVAILABLE', expose: true, headers: { 'Retry-After': '10' }, ...options });
  }
}

/** A runtime operation failed for a reason the caller cannot fix; details are logged, not sent. */
export class RuntimeOperationFailed extends HttpError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(502, message, { code: 'RUNTIME_OPERATION_FAILED', expose: true, ...options });
  }
}

/** The instance was stopped on purpose (stop or idle stop); it answers nothing until started. */
export class InstanceStopped extends HttpError {
  constructor(userId: string) {
    super(409, `Instance "${userId}" is stopped; start it first (POST /api/instances/${userId}/start)`, { code: 'INSTANCE_STOPPED' });
  }
}

/** The new version did not become ready in time; the instance keeps rolling towards it. */
export class InstanceUpgradeTimedOut extends HttpError {
  constructor(userId: string, imageTag: string, timeoutMs: number) {
    super(504, `Instance "${userId}" did not become ready on ${imageTag} within ${Math.round(timeoutMs / 1000)} s`, {
      code: 'UPGRADE_TIMED_OUT',
      expose: true,
    });
  }
}

/** The new version will not become ready without a change (crash loop, image pull failure...). */
export class InstanceUpgradeFailed extends HttpError {
  constructor(userId: string, imageTag: string, reason: string) {
    super(502, `Instance "${userId}" failed on ${imageTag}: ${reason}`, { code: 'UPGRADE_FAILED', expose: true });
  }
}

export class RevisionNotFound extends HttpError {
  constructor(userId: string, revision: number, kept: readonly number[]) {
    super(404, `Instance "${userId}" has no revision ${revision} (kept: ${kept.join(', ') || 'none'})`, { code: 'REVISION_NOT_FOUND' });
  }
}

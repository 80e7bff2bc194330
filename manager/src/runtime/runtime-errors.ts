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

/** A backup copy could not be made or read back; nothing of it is left. */
export class BackupFailed extends HttpError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(502, message, { code: 'BACKUP_FAILED', expose: true, ...options });
  }
}

/** A create from a backup would land on data an earlier plain delete kept; that data is not overwritten. */
export class KeptDataInTheWay extends HttpError {
  constructor(userId: string) {
    super(409, `"${userId}" has data kept from an earlier delete; purge it first (DELETE /api/instances/${userId}?preservePvc=false) to create it from a backup`, { code: 'KEPT_DATA_IN_THE_WAY' });
  }
}

/** The operation needs the instance stopped first. */
export class InstanceNotStopped extends HttpError {
  constructor(userId: string, what: string) {
    super(409, `Instance "${userId}" must be stopped to ${what} (POST /api/instances/${userId}/stop)`, { code: 'INSTANCE_NOT_STOPPED' });
  }
}

/** Rolling back would apply a revision made for data a restore has replaced since (a claim's source is immutable). */
export class RevisionBeforeRestore extends HttpError {
  constructor(userId: string, revision: number) {
    super(409, `Instance "${userId}": revision ${revision} was made for data that a restore has replaced since; roll back to a revision made after the restore`, {
      code: 'REVISION_BEFORE_RESTORE',
    });
  }
}

/** An uploaded archive is not a tar.gz of an OpenClaw state directory, or is too large (413). */
export class InvalidArchive extends HttpError {
  constructor(why: string, status = 400) {
    super(status, `Not an archive of OpenClaw data that can be imported: ${why}`, { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARCHIVE' });
  }
}

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

// Conditions of upgrades that were undone, or could not be, with the HTTP status the API answers with.
import { HttpError } from '../errors/http-error.js';
import type { InstanceRevision } from '../runtime/instance-runtime.js';

/** The new version did not become ready; the instance runs the revision it ran before again. */
export class InstanceRolledBack extends HttpError {
  constructor(userId: string, imageTag: string, readonly reason: string, readonly restored: InstanceRevision) {
    super(502, `Instance "${userId}" was rolled back to revision ${restored.revision} (${restored.imageTag}): ${reason}`, {
      code: 'UPGRADE_ROLLED_BACK',
      expose: true,
      details: { imageTag, revision: restored.revision, restoredImageTag: restored.imageTag },
    });
  }
}

/** The new version did not become ready and bringing back the old one failed as well. */
export class RollbackFailed extends HttpError {
  constructor(userId: string, why: string, target: InstanceRevision, rollbackError: string, options: { readonly cause?: unknown } = {}) {
    super(502, `Instance "${userId}": ${why}; rolling back to revision ${target.revision} (${target.imageTag}) failed too: ${rollbackError}`, {
      code: 'ROLLBACK_FAILED',
      expose: true,
      ...options,
    });
  }
}

export class NothingToRollBackTo extends HttpError {
  constructor(userId: string, imageTag: string) {
    super(409, `Instance "${userId}" has no kept revision that ran another image than ${imageTag}; name a revision to roll back to`, {
      code: 'NOTHING_TO_ROLL_BACK_TO',
    });
  }
}

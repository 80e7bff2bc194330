// Why a backup, a restore or a clone could not be done, each with the status the API answers with.
import { HttpError } from '../errors/http-error.js';

export class BackupNotFound extends HttpError {
  constructor(userId: string, id: string) {
    super(404, `Backup "${id}" of "${userId}" not found`, { code: 'BACKUP_NOT_FOUND' });
  }
}

/** The backup exists but cannot be restored from (still pending, or failed). */
export class BackupNotReady extends HttpError {
  constructor(userId: string, id: string, state: string) {
    super(409, `Backup "${id}" of "${userId}" is ${state}; only a ready backup can be restored`, { code: 'BACKUP_NOT_READY' });
  }
}

/** A backup or restore of the user is running; one at a time per user. */
export class BackupInProgress extends HttpError {
  constructor(userId: string, what: string) {
    super(409, `Instance "${userId}": ${what} is in progress; retry when it finishes`, { code: 'BACKUP_IN_PROGRESS', headers: { 'Retry-After': '5' } });
  }
}

/** The restore failed; the instance's data is the same as before it began. */
export class RestoreFailed extends HttpError {
  constructor(userId: string, id: string, why: string, options: { cause?: unknown } = {}) {
    super(502, `Restoring "${userId}" from backup "${id}" failed, and its data was put back as it was: ${why}`, { code: 'RESTORE_FAILED', expose: true, ...options });
  }
}

/** The restore failed and the data could not be put back either; the safety backup holds it. */
export class RestoreUndoFailed extends HttpError {
  constructor(userId: string, id: string, why: string, safetyId: string, undoWhy: string, options: { cause?: unknown } = {}) {
    super(502, `Restoring "${userId}" from backup "${id}" failed (${why}), and putting its data back failed too (${undoWhy}); restore backup "${safetyId}" to get it back`, {
      code: 'RESTORE_UNDO_FAILED', expose: true, details: { safetyBackupId: safetyId }, publicDetails: true, ...options,
    });
  }
}

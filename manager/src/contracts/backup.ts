// A backup of one user's data as the API answers it (GET /api/instances/:userId/backups/:id):
// shared by the manager, which keeps it, and `helm openclaw backup`, which reads it.

/** pending: being taken; ready: restorable; failed: not restorable, `error` says why. */
export type BackupState = 'pending' | 'ready' | 'failed';
/** stopped: the instance is stopped for the copy (consistent); online: copied while it runs (crash-consistent). */
export type BackupConsistency = 'stopped' | 'online';

/** The media type of a backup's portable form: a tar.gz of the OpenClaw state directory's contents. */
export const ARCHIVE_TYPE = 'application/gzip';

export const BACKUP_STATES: readonly BackupState[] = ['pending', 'ready', 'failed'];

export interface BackupRecord {
  /** 12 lower-case hex digits, unique per user. */
  readonly id: string;
  readonly userId: string;
  readonly state: BackupState;
  readonly consistency: BackupConsistency;
  /** Why it was taken: "requested", or "before restoring <id>" for the copy a restore takes first. */
  readonly reason: string;
  /** ISO 8601: when it was asked for. */
  readonly createdAt: string;
  /** ISO 8601: when it became ready or failed; null while pending. */
  readonly finishedAt: string | null;
  /** Bytes of data copied, when the runtime knows. */
  readonly sizeBytes: number | null;
  /** Seconds the instance answered nothing because of this backup (0 online or when it was stopped anyway). */
  readonly offlineSeconds: number | null;
  /** Whether the instance was running when the backup began; it runs again afterwards. */
  readonly wasRunning: boolean;
  /** Why it failed; null otherwise. */
  readonly error: string | null;
  /** Where the copy lives: the VolumeSnapshot's name (Kubernetes) or a directory (local). */
  readonly location: string;
}

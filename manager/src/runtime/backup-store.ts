// What a runtime offers for backups: copies of one user's data volume and the records that describe
// them. The backup use-case (backups/backup-service.ts) decides when to stop, copy, restore and
// prune; a store only does each step, and keeps its records where the copies are (the cluster, the
// data directory), so a restarted manager finds them all.
import type { BackupRecord } from '../contracts/backup.js';
import { isBackupId } from '../names/backup-id.js';

export interface CapturedCopy {
  readonly location: string;
  readonly sizeBytes: number | null;
}

/** A restore under way, written before the data is touched: a manager that stops in it leaves this. */
export interface RestoreIntent {
  readonly userId: string;
  /** The backup being restored. */
  readonly backupId: string;
  /** The backup of the data the user had, taken first: what an interrupted restore puts back. */
  readonly safetyId: string;
  readonly wasRunning: boolean;
  /** The data is the backup's now; only starting the instance again is left. */
  readonly restored: boolean;
}

/** A stored restore intent of `userId`, or undefined when the text is not a whole one (half-written, or not ours). */
export function parseIntent(json: string | undefined, userId: string): RestoreIntent | undefined {
  if (json === undefined) return undefined;
  try {
    const v = JSON.parse(json) as Partial<RestoreIntent>;
    if (typeof v.backupId === 'string' && isBackupId(v.backupId) && typeof v.safetyId === 'string' && isBackupId(v.safetyId)
      && typeof v.wasRunning === 'boolean' && typeof v.restored === 'boolean') {
      return { userId, backupId: v.backupId, safetyId: v.safetyId, wasRunning: v.wasRunning, restored: v.restored };
    }
  } catch {
    // not JSON: no intent to act on
  }
  return undefined;
}

export interface BackupStore {
  /** The user's records, newest first; they outlive the user's instance. */
  records(userId: string): Promise<BackupRecord[]>;
  /** Every user's records (a restarted manager settles the ones left pending). */
  allRecords(): Promise<BackupRecord[]>;
  /** Creates or replaces a record. */
  save(record: BackupRecord): Promise<void>;
  /**
   * Copies the user's data volume as backup `id` and resolves once the copy is complete (Kubernetes:
   * the VolumeSnapshot is readyToUse). Consistency is the caller's business. BackupFailed when the
   * copy cannot be made; nothing of it is left then.
   */
  capture(userId: string, id: string): Promise<CapturedCopy>;
  /** Deletes the copy of backup `id` and its record; idempotent. */
  remove(userId: string, id: string): Promise<void>;
  /**
   * Replaces the data of the user's stopped instance with `backup`'s copy (which may be another
   * user's). Kubernetes: the claim is recreated from the VolumeSnapshot through the chart.
   */
  restore(userId: string, backup: BackupRecord): Promise<void>;
  /**
   * The copy of a ready backup as a tar.gz of the state directory's contents (the portable form).
   */
  exportArchive(backup: BackupRecord): Promise<NodeJS.ReadableStream>;
  /**
   * Makes the copy of backup `id` of `userId` from such a tar.gz, reading at most `maxBytes`.
   * InvalidArchive when it is not one; nothing of it is left on any failure.
   */
  importArchive(userId: string, id: string, archive: NodeJS.ReadableStream, maxBytes: number): Promise<CapturedCopy>;
  /** Every restore under way or interrupted. */
  restoreIntents(): Promise<RestoreIntent[]>;
  /** Records the user's restore before it touches the data (one per user). */
  saveRestoreIntent(intent: RestoreIntent): Promise<void>;
  /** The user's restore is over; idempotent. */
  clearRestoreIntent(userId: string): Promise<void>;
  /** Removes what an interrupted export or import left (Kubernetes: its pod and claim); how many. */
  sweep?(): Promise<number>;
  /** Copies no record names (a manager stopped between copy and record); removed when settling. */
  strayCopies(): Promise<{ userId: string; id: string }[]>;
}

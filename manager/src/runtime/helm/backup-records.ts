// Pure: backup records as the helm runtime keeps them, one key `<id>.json` per record in the user's
// backups ConfigMap (names/object-names.ts). A value that is not a whole record of that user is
// skipped and reported, so one bad key never hides the others.
import { isBackupId } from '../../names/backup-id.js';
import { BACKUP_STATES, type BackupConsistency, type BackupRecord, type BackupState } from '../../contracts/backup.js';

const CONSISTENCIES: readonly BackupConsistency[] = ['stopped', 'online'];

/** The ConfigMap key of the user's restore under way, beside the records. */
export const INTENT_KEY = 'restore.json';

/** The ConfigMap key of record `id`. */
export function recordKey(id: string): string {
  return `${id}.json`;
}

/** The stored form of a record: its fields only, in a fixed order. */
export function recordJson(record: BackupRecord): string {
  return JSON.stringify(fieldsOf(record));
}

export interface ParsedRecords {
  /** Newest first (by createdAt, then id). */
  readonly records: BackupRecord[];
  /** Keys whose value is not a record of the user. */
  readonly invalid: string[];
}

/** The records in a backups ConfigMap's data; only those of `userId` under their own key count. */
export function parseRecords(data: Readonly<Record<string, string>> | undefined, userId: string): ParsedRecords {
  const records: BackupRecord[] = [];
  const invalid: string[] = [];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (key === INTENT_KEY) continue;
    const record = toRecord(value);
    if (record && record.userId === userId && isBackupId(record.id) && recordKey(record.id) === key) records.push(record);
    else invalid.push(key);
  }
  records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return { records, invalid };
}

function toRecord(json: string): BackupRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const valid = typeof v.id === 'string'
    && typeof v.userId === 'string'
    && BACKUP_STATES.includes(v.state as BackupState)
    && CONSISTENCIES.includes(v.consistency as BackupConsistency)
    && typeof v.reason === 'string'
    && typeof v.createdAt === 'string'
    && nullOr(v.finishedAt, 'string')
    && nullOr(v.sizeBytes, 'number')
    && nullOr(v.offlineSeconds, 'number')
    && typeof v.wasRunning === 'boolean'
    && nullOr(v.error, 'string')
    && typeof v.location === 'string';
  return valid ? fieldsOf(v as unknown as BackupRecord) : undefined;
}

function nullOr(value: unknown, type: 'string' | 'number'): boolean {
  return value === null || typeof value === type;
}

function fieldsOf(record: BackupRecord): BackupRecord {
  return {
    id: record.id,
    userId: record.userId,
    state: record.state,
    consistency: record.consistency,
    reason: record.reason,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
    sizeBytes: record.sizeBytes,
    offlineSeconds: record.offlineSeconds,
    wasRunning: record.wasRunning,
    error: record.error,
    location: record.location,
  };
}

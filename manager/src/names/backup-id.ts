// The backup id rule: 12 lower-case hex digits (6 random bytes), in paths, bodies and object names.
export const BACKUP_ID_PATTERN = '^[0-9a-f]{12}$';
const BACKUP_ID = new RegExp(BACKUP_ID_PATTERN);

export const BACKUP_ID_RULE = 'a backup id is 12 lower-case hex digits';

export function isBackupId(value: string): boolean {
  return BACKUP_ID.test(value);
}

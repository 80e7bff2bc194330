// Which backups retention deletes: beyond the newest `keep` ready ones, and beyond the newest `keep`
// failed records (kept only to say why). Pending ones are never touched, nor the newest ready one.
import type { BackupRecord } from '../contracts/backup.js';

export function backupsToPrune(records: readonly BackupRecord[], keep: number): BackupRecord[] {
  const newestFirst = [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const kept = Math.max(1, keep);
  const beyond = (state: BackupRecord['state']): BackupRecord[] => newestFirst.filter((r) => r.state === state).slice(kept);
  return [...beyond('ready'), ...beyond('failed')];
}

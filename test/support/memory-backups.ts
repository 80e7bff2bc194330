// An in-memory BackupStore for MemoryRuntime: records in a map, copies as names only. A double of
// our own interface for the HTTP layer's unit tests; the real stores are tested on their runtimes.
import { Readable } from 'node:stream';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import type { BackupStore, CapturedCopy, RestoreIntent } from '../../manager/src/runtime/backup-store.js';

export class MemoryBackups implements BackupStore {
  readonly saved = new Map<string, BackupRecord>();
  readonly restores: { userId: string; backupId: string }[] = [];
  readonly intents = new Map<string, RestoreIntent>();
  /** Replaces a successful copy when a test needs a slow or failing one. */
  captureHook: ((userId: string, id: string) => Promise<void>) | undefined;
  /** Copies a hook says it left half-made; remove() takes them away. */
  readonly leftovers = new Set<string>();
  /** Replaces a successful restore when a test needs a failing one. */
  restoreHook: ((userId: string, backup: BackupRecord) => Promise<void>) | undefined;

  async records(userId: string): Promise<BackupRecord[]> {
    return (await this.allRecords()).filter((r) => r.userId === userId);
  }

  async allRecords(): Promise<BackupRecord[]> {
    return [...this.saved.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async save(record: BackupRecord): Promise<void> {
    this.saved.set(`${record.userId}/${record.id}`, record);
  }

  async capture(userId: string, id: string): Promise<CapturedCopy> {
    await this.captureHook?.(userId, id);
    return { location: `memory/${userId}/${id}`, sizeBytes: 1024 };
  }

  async remove(userId: string, id: string): Promise<void> {
    this.saved.delete(`${userId}/${id}`);
    this.leftovers.delete(`${userId}/${id}`);
  }

  async restore(userId: string, backup: BackupRecord): Promise<void> {
    await this.restoreHook?.(userId, backup);
    this.restores.push({ userId, backupId: backup.id });
  }

  async exportArchive(backup: BackupRecord): Promise<NodeJS.ReadableStream> {
    return Readable.from([Buffer.from(`archive of ${backup.location}`)]);
  }

  async importArchive(userId: string, id: string, archive: NodeJS.ReadableStream): Promise<CapturedCopy> {
    let sizeBytes = 0;
    for await (const chunk of archive) sizeBytes += (chunk as Buffer).length;
    return { location: `memory/${userId}/${id}`, sizeBytes };
  }

  async restoreIntents(): Promise<RestoreIntent[]> {
    return [...this.intents.values()];
  }

  async saveRestoreIntent(intent: RestoreIntent): Promise<void> {
    this.intents.set(intent.userId, intent);
  }

  async clearRestoreIntent(userId: string): Promise<void> {
    this.intents.delete(userId);
  }

  async strayCopies(): Promise<{ userId: string; id: string }[]> {
    return [];
  }
}

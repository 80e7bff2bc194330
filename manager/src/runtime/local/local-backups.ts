// Backups on the local runtime: a backup is a copy of the user's state directory under
// `<dataDir>/.backups/<userId>/<id>/`, its record beside it as `<id>.json` (a name no user id can
// take, so the runtime's scan of the data directory passes it by). A copy is made under a temporary
// name and renamed once complete, so a copy that exists is whole.
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { BACKUP_STATES, type BackupRecord } from '../../contracts/backup.js';
import { isBackupId } from '../../names/backup-id.js';
import { isValidUserId } from '../../names/user-id.js';
import { parseIntent, type BackupStore, type CapturedCopy, type RestoreIntent } from '../backup-store.js';
import { BackupFailed } from '../runtime-errors.js';
import { writePrivateFile } from './instance-record.js';
import { packDirectory, unpackArchive } from './state-archive.js';

export const BACKUPS_DIR = '.backups';
const PARTIAL = '.partial';

export interface LocalBackupsOptions {
  readonly dataDir: string;
  /** The user's state directory (the data a backup copies). */
  readonly stateDir: (userId: string) => string;
  /** Runs `fn` under the user's lock once the instance is known to be stopped (InstanceNotFound / a 409 otherwise). */
  readonly whileStopped: <T>(userId: string, fn: () => Promise<T>) => Promise<T>;
  /** Environment for tar (archives). */
  readonly env: Readonly<Record<string, string>>;
}

export class LocalBackups implements BackupStore {
  private readonly root: string;

  constructor(private readonly options: LocalBackupsOptions) {
    this.root = path.join(options.dataDir, BACKUPS_DIR);
  }

  async records(userId: string): Promise<BackupRecord[]> {
    const dir = this.userDir(userId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const records: BackupRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || !isBackupId(name.slice(0, -5))) continue;
      const record = parseRecord(await readFile(path.join(dir, name), 'utf8').catch(() => ''));
      if (record?.userId === userId) records.push(record);
    }
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async allRecords(): Promise<BackupRecord[]> {
    const users = (await readdir(this.root).catch(() => [] as string[])).filter(isValidUserId);
    return (await Promise.all(users.map((u) => this.records(u)))).flat();
  }

  async save(record: BackupRecord): Promise<void> {
    await mkdir(this.userDir(record.userId), { recursive: true, mode: 0o700 });
    await writePrivateFile(this.recordFile(record.userId, record.id), JSON.stringify(record, null, 2));
  }

  async capture(userId: string, id: string): Promise<CapturedCopy> {
    const source = this.options.stateDir(userId);
    const target = this.copyDir(userId, id);
    const partial = target + PARTIAL;
    try {
      if (!(await stat(source)).isDirectory()) throw new Error(`${source} is not a directory`);
      await rm(partial, { recursive: true, force: true });
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await copyTree(source, partial);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      throw new BackupFailed(`Copying the data of "${userId}" failed: ${(err as Error).message}`, { cause: err });
    }
    return { location: target, sizeBytes: await treeBytes(target) };
  }

  async remove(userId: string, id: string): Promise<void> {
    const dir = this.copyDir(userId, id);
    await rm(dir + PARTIAL, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    await rm(this.recordFile(userId, id), { force: true });
  }

  async restore(userId: string, backup: BackupRecord): Promise<void> {
    const copy = this.copyDir(backup.userId, backup.id);
    if (!(await isDirectory(copy))) throw new BackupFailed(`The copy of backup "${backup.id}" is missing (${copy})`);
    await this.options.whileStopped(userId, () => replaceTree(copy, this.options.stateDir(userId)));
  }

  /** The copy a new instance starts from (create with fromBackup). */
  async copyInto(backup: BackupRecord, stateDir: string): Promise<void> {
    const copy = this.copyDir(backup.userId, backup.id);
    if (!(await isDirectory(copy))) throw new BackupFailed(`The copy of backup "${backup.id}" is missing (${copy})`);
    await replaceTree(copy, stateDir);
  }

  async exportArchive(backup: BackupRecord): Promise<NodeJS.ReadableStream> {
    const copy = this.copyDir(backup.userId, backup.id);
    if (!(await isDirectory(copy))) throw new BackupFailed(`The copy of backup "${backup.id}" is missing (${copy})`);
    return packDirectory(copy, this.options.env);
  }

  async importArchive(userId: string, id: string, archive: NodeJS.ReadableStream, maxBytes: number): Promise<CapturedCopy> {
    const target = this.copyDir(userId, id);
    const partial = target + PARTIAL;
    try {
      await mkdir(partial, { recursive: true, mode: 0o700 });
      await unpackArchive(archive, partial, maxBytes, this.options.env);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      throw err;
    }
    return { location: target, sizeBytes: await treeBytes(target) };
  }

  async restoreIntents(): Promise<RestoreIntent[]> {
    const intents: RestoreIntent[] = [];
    for (const userId of (await readdir(this.root).catch(() => [] as string[])).filter(isValidUserId)) {
      // A half-written intent is none: its restore had not begun to touch the data.
      const intent = parseIntent(await readFile(this.intentFile(userId), 'utf8').catch(() => undefined), userId);
      if (intent) intents.push(intent);
    }
    return intents;
  }

  async saveRestoreIntent(intent: RestoreIntent): Promise<void> {
    await mkdir(this.userDir(intent.userId), { recursive: true, mode: 0o700 });
    await writePrivateFile(this.intentFile(intent.userId), JSON.stringify(intent));
  }

  async clearRestoreIntent(userId: string): Promise<void> {
    await rm(this.intentFile(userId), { force: true });
  }

  async strayCopies(): Promise<{ userId: string; id: string }[]> {
    const strays: { userId: string; id: string }[] = [];
    for (const userId of (await readdir(this.root).catch(() => [] as string[])).filter(isValidUserId)) {
      const names = await readdir(this.userDir(userId));
      for (const name of names) {
        const id = name.endsWith(PARTIAL) ? name.slice(0, -PARTIAL.length) : name;
        if (isBackupId(id) && (name !== id || !names.includes(`${id}.json`))) strays.push({ userId, id });
      }
    }
    return strays;
  }

  private userDir(userId: string): string {
    return path.join(this.root, userId);
  }

  private copyDir(userId: string, id: string): string {
    if (!isBackupId(id)) throw new BackupFailed(`"${id}" is not a backup id`);
    return path.join(this.userDir(userId), id);
  }

  private intentFile(userId: string): string {
    return path.join(this.userDir(userId), 'restore.json');
  }

  private recordFile(userId: string, id: string): string {
    return `${this.copyDir(userId, id)}.json`;
  }
}

/** Replaces `target` with a copy of `source`: the old tree is kept aside until the new one is in place. */
async function replaceTree(source: string, target: string): Promise<void> {
  const incoming = `${target}.restoring`;
  const outgoing = `${target}.replaced`;
  await rm(incoming, { recursive: true, force: true });
  await rm(outgoing, { recursive: true, force: true });
  await copyTree(source, incoming);
  if (await isDirectory(target)) await rename(target, outgoing);
  await rename(incoming, target);
  await rm(outgoing, { recursive: true, force: true });
}

function copyTree(source: string, target: string): Promise<void> {
  return cp(source, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, errorOnExist: true, force: false });
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}

function parseRecord(text: string): BackupRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<BackupRecord>;
    if (typeof value.id !== 'string' || typeof value.userId !== 'string' || !BACKUP_STATES.includes(value.state as BackupRecord['state'])) return undefined;
    return value as BackupRecord;
  } catch {
    return undefined;
  }
}

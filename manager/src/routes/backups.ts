// Backups of one user's data: take one (202, taken in the background; follow its record), list,
// read and delete them, and restore the user from one (answers once the instance is back). A clone
// is POST /api/instances with fromBackup (routes/instances.ts).
import { Readable } from 'node:stream';
import type { AppRouter } from '../app-state.js';
import { ARCHIVE_TYPE } from '../contracts/backup.js';
import { UnsupportedMediaType } from '../errors/http-error.js';
import { assertUserId } from '../names/user-id.js';
import { assertBackupId, parseBackupRequest, parseRestoreRequest } from '../validation/request-bodies.js';
import type { RouteDeps } from './route-deps.js';

export const BACKUP_ROUTES = {
  backups: '/api/instances/:userId/backups',
  backup: '/api/instances/:userId/backups/:backupId',
  exportArchive: '/api/instances/:userId/backups/:backupId/export',
  importArchive: '/api/instances/:userId/backups/import',
  restore: '/api/instances/:userId/restore',
} as const;

const IMPORT_PATH = /^\/api\/instances\/[^/]+\/backups\/import$/;

/** The one path whose body is a gzip stream, not JSON (middleware/json-body.ts leaves it unread). */
export const isArchiveUpload = (path: string): boolean => IMPORT_PATH.test(path);

export function registerBackupRoutes(router: AppRouter, deps: Pick<RouteDeps, 'backups'>): void {
  const { backups } = deps;

  router.post(BACKUP_ROUTES.backups, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const request = parseBackupRequest(ctx.state.body ?? {});
    const record = await backups.take(userId, request);
    ctx.state.log.info({ userId, backupId: record.id, consistency: record.consistency }, 'backup started');
    ctx.status = 202;
    ctx.set('Location', `/api/instances/${userId}/backups/${record.id}`);
    ctx.body = record;
  });

  router.get(BACKUP_ROUTES.backups, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { userId, backups: await backups.list(userId) };
  });

  router.get(BACKUP_ROUTES.backup, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await backups.get(userId, assertBackupId(ctx.params.backupId ?? ''));
  });

  // The portable form: a tar.gz of the state directory's contents, for another manager or runtime.
  router.get(BACKUP_ROUTES.exportArchive, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const backupId = assertBackupId(ctx.params.backupId ?? '');
    const archive = await backups.exportArchive(userId, backupId);
    ctx.set('Content-Disposition', `attachment; filename="${userId}-${backupId}.tar.gz"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = ARCHIVE_TYPE;
    ctx.body = Readable.from(archive);
    ctx.state.log.info({ userId, backupId }, 'backup export started');
  });

  // 201 with the ready record; the body is the archive itself (Content-Type: application/gzip).
  // A failure of the store keeps a failed record and answers BackupFailed.
  router.post(BACKUP_ROUTES.importArchive, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    if (!ctx.is(ARCHIVE_TYPE)) throw new UnsupportedMediaType(`The body must be a tar.gz with Content-Type: ${ARCHIVE_TYPE}`);
    const record = await backups.importArchive(userId, ctx.req);
    ctx.status = 201;
    ctx.set('Location', `/api/instances/${userId}/backups/${record.id}`);
    ctx.body = record;
  });

  router.delete(BACKUP_ROUTES.backup, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const record = await backups.remove(userId, assertBackupId(ctx.params.backupId ?? ''));
    ctx.body = { deleted: true, backup: record };
  });

  router.post(BACKUP_ROUTES.restore, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const { backupId } = parseRestoreRequest(ctx.state.body);
    const instance = await backups.restore(userId, backupId);
    ctx.state.log.info({ userId, backupId, phase: instance.phase }, 'instance restored');
    ctx.body = instance;
  });
}

// Typed, validated request bodies: the schema check plus the rules JSON Schema cannot say.
import type { BackupConsistency } from '../contracts/backup.js';
import { InvalidRequest } from '../errors/http-error.js';
import { isBackupId } from '../names/backup-id.js';
import { isValidUserId, USER_ID_RULE } from '../names/user-id.js';
import type { CreateInstanceRequest, RestoreRequest, RollbackRequest, RpcRequest } from './api-types.js';
import { validateBody } from './body-validator.js';

/** Secret values are limited in bytes (the schema's maxLength counts characters). */
export const MAX_SECRET_BYTES = 8 * 1024;

/** Validates a create body. */
export function parseCreateInstance(body: unknown): CreateInstanceRequest {
  const parsed = validateBody<CreateInstanceRequest>('create-instance', body);
  for (const [name, value] of Object.entries(parsed.secrets)) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_SECRET_BYTES) {
      throw new InvalidRequest(`secrets.${name}: must be at most ${MAX_SECRET_BYTES} bytes (got ${bytes})`, [
        { field: `secrets.${name}`, message: `must be at most ${MAX_SECRET_BYTES} bytes` },
      ]);
    }
  }
  if (parsed.fromBackup && !isValidUserId(parsed.fromBackup.userId)) {
    const rule = USER_ID_RULE.replace(/^userId /, '');
    throw new InvalidRequest(`fromBackup.userId ${rule}`, [{ field: 'fromBackup.userId', message: rule }]);
  }
  return { userId: parsed.userId, secrets: parsed.secrets, ...(parsed.fromBackup ? { fromBackup: parsed.fromBackup } : {}) };
}

/** Validates a backup body (empty is fine); default consistency "stopped". */
export function parseBackupRequest(body: unknown): { consistency: BackupConsistency } {
  return { consistency: validateBody<{ consistency: BackupConsistency }>('backup-request', body).consistency };
}

/** Validates a restore body. */
export function parseRestoreRequest(body: unknown): RestoreRequest {
  return validateBody<RestoreRequest>('restore-request', body);
}

/** A backup id from a path: 12 lower-case hex digits, else a 400. */
export function assertBackupId(value: string): string {
  if (!isBackupId(value)) throw new InvalidRequest('backupId must be 12 lower-case hex digits', [{ field: 'backupId', message: 'must be 12 lower-case hex digits' }]);
  return value;
}

/** Validates an RPC body; defaults: params {}, timeoutMs 30000. */
export function parseRpcRequest(body: unknown): RpcRequest {
  return validateBody<RpcRequest>('rpc-request', body);
}

/** Validates a rollback body (empty is fine); default timeoutSeconds 600. */
export function parseRollbackRequest(body: unknown): RollbackRequest {
  return validateBody<RollbackRequest>('rollback-request', body);
}

/** `preservePvc` query value: absent or "true" keeps the data, "false" purges it. */
export function parsePreservePvc(value: string | string[] | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidRequest('preservePvc must be "true" or "false"', [{ field: 'preservePvc', message: 'must be "true" or "false"' }]);
}

// Typed, validated request bodies: the schema check plus the rules JSON Schema cannot say.
import { InvalidRequest } from '../errors/http-error.js';
import type { CreateInstanceRequest, RollbackRequest, RpcRequest } from './api-types.js';
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
  return { userId: parsed.userId, secrets: parsed.secrets };
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

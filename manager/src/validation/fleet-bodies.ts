// Typed, validated body of POST /api/fleet/upgrade (schemas/api/fleet-upgrade-request.json).
import { InvalidRequest } from '../errors/http-error.js';
import type { FleetUpgradeRequest } from './api-types.js';
import { validateBody } from './body-validator.js';

/** Defaults: maxUnavailable 1, every instance, timeoutSeconds 600, autoRollback; a canary names a count or userIds, not both. */
export function parseFleetUpgradeBody(body: unknown): FleetUpgradeRequest {
  const parsed = validateBody<FleetUpgradeRequest>('fleet-upgrade-request', body);
  const canary = parsed.canary;
  if (canary && (canary.count === undefined) === (canary.userIds === undefined)) {
    throw new InvalidRequest('canary: give exactly one of count or userIds', [{ field: 'canary', message: 'exactly one of count or userIds' }]);
  }
  return parsed;
}

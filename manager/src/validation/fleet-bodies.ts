// Typed, validated body of POST /api/fleet/upgrade (schemas/api/fleet-upgrade-request.json).
import type { FleetUpgradeRequest } from './api-types.js';
import { validateBody } from './body-validator.js';

/** Defaults: maxUnavailable 1, every instance, timeoutSeconds 600. */
export function parseFleetUpgradeBody(body: unknown): FleetUpgradeRequest {
  return validateBody<FleetUpgradeRequest>('fleet-upgrade-request', body);
}

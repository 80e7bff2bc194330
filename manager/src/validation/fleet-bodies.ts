// Typed, validated body of POST /api/fleet/upgrade (schemas/api/fleet-upgrade-request.json).
import { validateBody } from './body-validator.js';

export interface FleetUpgradeBody {
  readonly imageTag: string;
  readonly maxUnavailable: number;
  readonly userIds?: readonly string[];
  readonly timeoutSeconds: number;
}

/** Defaults: maxUnavailable 1, every instance, timeoutSeconds 600. */
export function parseFleetUpgradeBody(body: unknown): FleetUpgradeBody {
  return validateBody<FleetUpgradeBody>('fleet-upgrade-request', body);
}

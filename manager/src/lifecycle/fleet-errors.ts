// Conditions of fleet upgrades, with the HTTP status the API answers with.
import { HttpError } from '../errors/http-error.js';

/** One fleet upgrade at a time: two would fight over the same instances and the unavailability budget. */
export class FleetUpgradeInProgress extends HttpError {
  constructor(id: string) {
    super(409, `Fleet upgrade ${id} is still running; follow it at /api/fleet/upgrade/${id}`, {
      code: 'FLEET_UPGRADE_IN_PROGRESS',
      details: { id },
      headers: { 'Retry-After': '30' },
    });
  }
}

export class FleetUpgradeNotFound extends HttpError {
  constructor(id: string) {
    super(404, `No fleet upgrade "${id}" (runs are kept in memory: the last ones since the manager started)`, { code: 'FLEET_UPGRADE_NOT_FOUND' });
  }
}

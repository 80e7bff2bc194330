// Fleet upgrades: POST /api/fleet/upgrade starts one (202 and its status URL; it runs in the
// background, because rolling a fleet takes longer than any HTTP client or proxy should wait), GET
// /api/fleet/upgrade/:id follows it until its state is no longer "running", and GET
// /api/fleet/upgrade lists the runs this manager keeps.
import type { AppRouter } from '../app-state.js';
import { FleetUpgradeNotFound } from '../lifecycle/fleet-errors.js';
import { parseFleetUpgradeBody } from '../validation/fleet-bodies.js';
import type { RouteDeps } from './route-deps.js';

export const FLEET_ROUTES = {
  upgrade: '/api/fleet/upgrade',
  run: '/api/fleet/upgrade/:id',
} as const;

const RUN_ID = /^[0-9a-f]{12}$/;

export function registerFleetRoutes(router: AppRouter, deps: Pick<RouteDeps, 'fleet'>): void {
  router.post(FLEET_ROUTES.upgrade, async (ctx) => {
    const body = parseFleetUpgradeBody(ctx.state.body);
    const run = await deps.fleet.begin(body);
    ctx.state.log.info({ fleetUpgrade: run.id, imageTag: run.imageTag, maxUnavailable: run.maxUnavailable, instances: run.results.length }, 'fleet upgrade accepted');
    ctx.status = 202;
    ctx.set('Location', `/api/fleet/upgrade/${run.id}`);
    ctx.body = run;
  });

  router.get(FLEET_ROUTES.upgrade, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { runs: deps.fleet.list() };
  });

  router.get(FLEET_ROUTES.run, (ctx) => {
    const id = ctx.params.id ?? '';
    if (!RUN_ID.test(id)) throw new FleetUpgradeNotFound(id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = deps.fleet.get(id);
  });
}

// Fleet upgrades: start one, follow it, list the kept ones.
import { COMMON_ERRORS, errorResponse, jsonBody, jsonResponse, ref, type JsonObject } from '../components.js';

export const fleetPaths: JsonObject = {
  '/api/fleet/upgrade': {
    get: {
      operationId: 'fleetUpgrades',
      summary: 'The fleet upgrade runs this manager keeps (a running one and the last 10 finished), newest first',
      responses: {
        '200': jsonResponse('The runs', {
          type: 'object',
          required: ['runs'],
          properties: { runs: { type: 'array', items: ref('FleetUpgradeRun') } },
        }),
        ...COMMON_ERRORS,
      },
    },
    post: {
      operationId: 'fleetUpgrade',
      summary: 'Roll every instance (or userIds) to imageTag: canaries first (optional, watched for soakSeconds), then the rest maxUnavailable at a time, each awaited until ready; the first failure stops it',
      description:
        'Answers 202 at once with the run (the first instances "upgrading", the others "pending") and Location /api/fleet/upgrade/{id}; poll that until state is not ' +
        '"running". Per instance: upgraded; rolledBack (it did not become ready, so the revision it ran before came back; with autoRollback, the default); ' +
        'failed (with why); or skipped (already on the tag, or not attempted after a failure). Canaries are soaking while they are watched: each must stay ' +
        'ready, not restart and answer the gateway\'s health RPC; one that fails rolls every canary back and stops the run. ' +
        'Stopped instances get the tag and stay stopped. One run at a time; runs are kept in the manager\'s memory.',
      requestBody: jsonBody('fleet-upgrade-request'),
      responses: {
        '202': jsonResponse('Started; follow the Location', ref('FleetUpgradeRun')),
        '400': errorResponse('Invalid body, a userId that is not an instance, a canary that is not a target, or fewer running targets than canary.count'),
        '409': errorResponse('Another fleet upgrade is running (details.id)'),
        '503': errorResponse('The runtime (cluster) is unreachable'),
        ...COMMON_ERRORS,
      },
    },
  },
  '/api/fleet/upgrade/{id}': {
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{12}$' } }],
    get: {
      operationId: 'fleetUpgradeStatus',
      summary: 'A fleet upgrade\'s state and per-instance results so far',
      responses: {
        '200': jsonResponse('The run', ref('FleetUpgradeRun')),
        '404': errorResponse('No such run (unknown, or older than the last 10, or from before a manager restart)'),
        ...COMMON_ERRORS,
      },
    },
  },
};

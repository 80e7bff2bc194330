// `helm openclaw upgrade-all` following a fleet upgrade: a scripted client (a double of the plugin's
// own ManagerClient) answers the run's successive states; the real manager is in the integration suite.
import { describe, expect, it } from 'vitest';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { CommandIo } from '../../plugins/openclaw/src/commands/command-io.js';
import { runUpgradeAll, type UpgradeAllCommand } from '../../plugins/openclaw/src/commands/upgrade-all.js';
import { FleetUpgradeFailed } from '../../plugins/openclaw/src/errors.js';
import { reportFailure } from '../../plugins/openclaw/src/report-error.js';

const run = (state: FleetUpgradeRun['state'], statuses: [string, string, string][]): FleetUpgradeRun => {
  const results = statuses.map(([userId, status, message]) => ({ userId, status: status as FleetUpgradeRun['results'][number]['status'], message }));
  const counts = { pending: 0, upgrading: 0, upgraded: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status] += 1;
  return { id: 'abcdef012345', state, imageTag: 'v2', maxUnavailable: 2, timeoutSeconds: 600, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, counts, results };
};

function io(controller = new AbortController()): CommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => { out += t; return true; } },
    stderr: { write: (t: string) => { err += t; return true; } },
    signal: controller.signal,
    now: () => Date.now(),
    colors: false,
    out: () => out,
    err: () => err,
  } as unknown as CommandIo & { out: () => string; err: () => string };
}

const command: UpgradeAllCommand = {
  kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 2, userIds: ['a', 'b', 'c'],
  connection: { namespace: 'openclaw', managerUrl: 'http://m:3000', apiKey: 'k'.repeat(32) },
};

describe('helm openclaw upgrade-all', () => {
  it('starts the upgrade, prints each result once as it comes, then the summary', async () => {
    const states = [
      run('running', [['a', 'upgraded', 'running v2'], ['b', 'upgrading', ''], ['c', 'pending', '']]),
      run('succeeded', [['a', 'upgraded', 'running v2'], ['b', 'upgraded', 'running v2'], ['c', 'skipped', 'already on v2']]),
    ];
    const sent: unknown[] = [];
    const client = {
      fleetUpgrade: async (body: unknown) => {
        sent.push(body);
        return run('running', [['a', 'pending', ''], ['b', 'pending', ''], ['c', 'pending', '']]);
      },
      fleetUpgradeStatus: async () => states.shift() as FleetUpgradeRun,
    };
    const out = io();
    expect(await runUpgradeAll(command, client, out, 1)).toBe(0);
    expect(sent).toEqual([{ imageTag: 'v2', maxUnavailable: 2, userIds: ['a', 'b', 'c'] }]);
    const lines = out.out().trim().split('\n');
    expect(lines[0]).toBe('fleet upgrade abcdef012345: 3 instance(s) to v2, 2 at a time');
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['a', 'upgraded'], ['b', 'upgraded'], ['c', 'skipped']]);
    expect(lines[4]).toBe('fleet upgrade abcdef012345 succeeded: 3 instance(s) to v2: 2 upgraded, 0 failed, 1 skipped');
  });

  it('fails with one line naming the failed instance after printing every result', async () => {
    const client = {
      fleetUpgrade: async () => run('running', [['a', 'pending', ''], ['b', 'pending', '']]),
      fleetUpgradeStatus: async () => run('failed', [['a', 'failed', 'Instance "a" failed on v2: ImagePullBackOff'], ['b', 'skipped', 'not attempted: the upgrade stopped after a failed']]),
    };
    const out = io();
    const err = await runUpgradeAll(command, client, out, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetUpgradeFailed);
    expect(reportFailure(err, { debug: false, interrupted: false })).toEqual({ text: 'error: fleet upgrade to v2 stopped: a failed\n', exitCode: 1 });
    expect(out.out()).toContain('ImagePullBackOff');
    expect(out.out()).toContain('not attempted: the upgrade stopped after a failed');
  });

  it('on Ctrl-C stops following and says where the upgrade goes on', async () => {
    const controller = new AbortController();
    const client = {
      fleetUpgrade: async () => run('running', [['a', 'upgrading', '']]),
      fleetUpgradeStatus: async () => run('running', [['a', 'upgrading', '']]),
    };
    const out = io(controller);
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(runUpgradeAll(command, client, out, 5)).rejects.toThrow('interrupted');
    expect(out.err()).toBe('Stopped following; the upgrade goes on in the manager: GET /api/fleet/upgrade/abcdef012345\n');
  });
});

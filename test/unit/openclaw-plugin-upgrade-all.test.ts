// `helm openclaw upgrade-all` following a fleet upgrade: a scripted client (a double of the plugin's
// own ManagerClient) answers the run's successive states; the real manager is in the integration suite.
import { describe, expect, it } from 'vitest';
import { FLEET_INSTANCE_STATUSES, type FleetInstanceStatus, type FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { CommandIo } from '../../plugins/openclaw/src/commands/command-io.js';
import { runUpgradeAll, type UpgradeAllCommand } from '../../plugins/openclaw/src/commands/upgrade-all.js';
import { FleetUpgradeFailed } from '../../plugins/openclaw/src/errors.js';
import { reportFailure } from '../../plugins/openclaw/src/report-error.js';

const run = (state: FleetUpgradeRun['state'], statuses: [string, FleetInstanceStatus, string][], extra: Partial<FleetUpgradeRun> = {}): FleetUpgradeRun => {
  const results = statuses.map(([userId, status, message]) => ({ userId, status, message }));
  const counts = Object.fromEntries(FLEET_INSTANCE_STATUSES.map((s) => [s, 0])) as Record<FleetInstanceStatus, number>;
  for (const r of results) counts[r.status] += 1;
  return {
    id: 'abcdef012345', state, imageTag: 'v2', maxUnavailable: 2, timeoutSeconds: 600, autoRollback: true, canary: null,
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, counts, results, ...extra,
  };
};

/** Answers the start with `first`, then each status request with the next of `states` (the last one again at the end). */
function scripted(first: FleetUpgradeRun, states: FleetUpgradeRun[]) {
  const sent: unknown[] = [];
  return {
    sent,
    fleetUpgrade: async (body: unknown) => {
      sent.push(body);
      return first;
    },
    fleetUpgradeStatus: async () => (states.length > 1 ? states.shift() : states[0]) as FleetUpgradeRun,
  };
}

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
  kind: 'upgrade-all', imageTag: 'v2', maxUnavailable: 2, userIds: ['a', 'b', 'c'], autoRollback: true,
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
    expect(sent).toEqual([{ imageTag: 'v2', maxUnavailable: 2, userIds: ['a', 'b', 'c'], autoRollback: true }]);
    const lines = out.out().trim().split('\n');
    expect(lines[0]).toBe('fleet upgrade abcdef012345: 3 instance(s) to v2, 2 at a time');
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['a', 'upgraded'], ['b', 'upgraded'], ['c', 'skipped']]);
    expect(lines[4]).toBe('fleet upgrade abcdef012345 succeeded: 3 instance(s) to v2: 2 upgraded, 0 rolled back, 0 failed, 1 skipped');
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

  it('fails when the manager cancelled the run before every instance was tried', async () => {
    const client = {
      fleetUpgrade: async () => run('running', [['a', 'upgrading', ''], ['b', 'pending', '']]),
      fleetUpgradeStatus: async () => run('cancelled', [['a', 'upgraded', 'running v2'], ['b', 'skipped', 'not attempted: the upgrade was cancelled']]),
    };
    const err = await runUpgradeAll(command, client, io(), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetUpgradeFailed);
    expect(reportFailure(err, { debug: false, interrupted: false })).toEqual({
      text: 'error: fleet upgrade to v2 was cancelled by a manager shutdown; run it again to finish (instances already on v2 are skipped)\n',
      exitCode: 1,
    });
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

  it('sends the canaries, the soak and --no-rollback, and says so when the run starts', async () => {
    const canaryCommand: UpgradeAllCommand = { ...command, canary: { userIds: ['b'], soakSeconds: 120 }, autoRollback: false, timeoutSeconds: 300 };
    const canary = { userIds: ['b'], soakSeconds: 120 };
    const client = scripted(
      run('running', [['b', 'pending', ''], ['a', 'pending', ''], ['c', 'pending', '']], { canary, autoRollback: false }),
      [run('succeeded', [['b', 'upgraded', 'canary: healthy for 120 s on v2'], ['a', 'upgraded', 'running v2'], ['c', 'upgraded', 'running v2']], { canary, autoRollback: false })],
    );
    const out = io();
    expect(await runUpgradeAll(canaryCommand, client, out, 1)).toBe(0);
    expect(client.sent).toEqual([{
      imageTag: 'v2', maxUnavailable: 2, userIds: ['a', 'b', 'c'], timeoutSeconds: 300, canary: { userIds: ['b'], soakSeconds: 120 }, autoRollback: false,
    }]);
    expect(out.out().split('\n')[0]).toBe('fleet upgrade abcdef012345: 3 instance(s) to v2, 2 at a time; canaries b first, watched for 120s; no automatic rollback');
  });

  it('prints a rolled back instance once, counts it, and fails naming it', async () => {
    const client = scripted(run('running', [['a', 'pending', ''], ['b', 'pending', ''], ['c', 'pending', '']]), [
      run('running', [['a', 'upgraded', 'running v2'], ['b', 'rolledBack', 'Instance "b" was rolled back to revision 4 (v1): CrashLoopBackOff'], ['c', 'pending', '']]),
      run('running', [['a', 'upgraded', 'running v2'], ['b', 'rolledBack', 'Instance "b" was rolled back to revision 4 (v1): CrashLoopBackOff'], ['c', 'pending', '']]),
      run('failed', [['a', 'upgraded', 'running v2'], ['b', 'rolledBack', 'Instance "b" was rolled back to revision 4 (v1): CrashLoopBackOff'], ['c', 'skipped', 'not attempted']]),
    ]);
    const out = io();
    const err = await runUpgradeAll(command, client, out, 1).catch((e: unknown) => e);
    const lines = out.out().trim().split('\n');
    expect(lines.filter((l) => l.startsWith('b '))).toEqual([expect.stringMatching(/^b\s+rolledBack\s+Instance "b" was rolled back to revision 4 \(v1\)/)]);
    expect(lines.at(-1)).toBe('fleet upgrade abcdef012345 failed: 3 instance(s) to v2: 1 upgraded, 1 rolled back, 0 failed, 1 skipped');
    expect(err).toBeInstanceOf(FleetUpgradeFailed);
    expect(reportFailure(err, { debug: false, interrupted: false })).toEqual({ text: 'error: fleet upgrade to v2 stopped: b rolled back to the previous revision\n', exitCode: 1 });
  });

  it('follows a canary through its soak and rollback, and names both the failed and the rolled back', async () => {
    const canary = { userIds: ['a', 'b'], soakSeconds: 60 };
    const client = scripted(run('running', [['a', 'pending', ''], ['b', 'pending', ''], ['c', 'pending', '']], { canary }), [
      run('running', [['a', 'upgraded', 'running v2'], ['b', 'upgrading', ''], ['c', 'pending', '']], { canary }),
      run('running', [['a', 'soaking', 'canary: watched for 60 s'], ['b', 'soaking', 'canary: watched for 60 s'], ['c', 'pending', '']], { canary }),
      run('running', [['a', 'rollingBack', 'rolling back: canary b: unhealthy'], ['b', 'failed', 'rolling back to revision 2 failed: timeout'], ['c', 'pending', '']], { canary }),
      run('failed', [['a', 'rolledBack', 'rolled back to revision 3 (v1): canary b: unhealthy'], ['b', 'failed', 'rolling back to revision 2 failed: timeout'], ['c', 'skipped', 'not attempted: canary b: unhealthy']], { canary }),
    ]);
    const out = io();
    const err = await runUpgradeAll({ ...command, canary: { count: 2 } }, client, out, 1).catch((e: unknown) => e);
    expect(client.sent).toEqual([expect.objectContaining({ canary: { count: 2 }, autoRollback: true })]);
    const statusesOf = (user: string) => out.out().split('\n').filter((l) => l.startsWith(`${user} `)).map((l) => l.split(/\s+/)[1]);
    expect(statusesOf('a')).toEqual(['upgraded', 'soaking', 'rollingBack', 'rolledBack']);
    expect(statusesOf('b')).toEqual(['soaking', 'failed']);
    expect(statusesOf('c')).toEqual(['skipped']);
    expect((err as Error).message).toBe('fleet upgrade to v2 stopped: b failed; a rolled back to the previous revision');
  });
});

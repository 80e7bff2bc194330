import { describe, expect, it } from 'vitest';
import { runFleetUpgrade, type FleetOutcome } from '../../manager/src/lifecycle/fleet-scheduler.js';

const users = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${String(i).padStart(2, '0')}`);

/** An upgradeOne whose calls finish when the test says so, so concurrency is observed, not timed. */
class ManualUpgrades {
  readonly started: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly pending = new Map<string, { resolve: (o: FleetOutcome) => void; reject: (e: unknown) => void }>();

  readonly upgradeOne = (userId: string): Promise<FleetOutcome> => {
    this.started.push(userId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<FleetOutcome>((resolve, reject) => this.pending.set(userId, { resolve, reject })).finally(() => {
      this.inFlight -= 1;
    });
  };

  /** Waits until `userId` has been started. */
  async started$(userId: string): Promise<void> {
    while (!this.started.includes(userId)) await new Promise((r) => setImmediate(r));
  }

  finish(userId: string, outcome: FleetOutcome = { status: 'upgraded', message: 'running v2' }): void {
    this.pending.get(userId)?.resolve(outcome);
  }

  fail(userId: string, message: string): void {
    this.pending.get(userId)?.reject(new Error(message));
  }
}

describe('runFleetUpgrade', () => {
  it('upgrades everyone in order, never more than maxUnavailable at once', async () => {
    const work = new ManualUpgrades();
    const ids = users(7);
    const done = runFleetUpgrade({ userIds: ids, maxUnavailable: 3, upgradeOne: work.upgradeOne });
    for (const id of ids) {
      await work.started$(id);
      expect(work.inFlight).toBeLessThanOrEqual(3);
      work.finish(id);
    }
    const results = await done;
    expect(results.map((r) => r.userId)).toEqual(ids);
    expect(results.every((r) => r.status === 'upgraded')).toBe(true);
    expect(work.started).toEqual(ids);
    expect(work.maxInFlight).toBe(3);
  });

  it.each([1, 2, 5])('keeps exactly maxUnavailable=%i in flight while there is work', async (max) => {
    const work = new ManualUpgrades();
    const ids = users(8);
    const done = runFleetUpgrade({ userIds: ids, maxUnavailable: max, upgradeOne: work.upgradeOne });
    await work.started$(ids[max - 1] as string);
    await new Promise((r) => setImmediate(r));
    expect(work.started).toHaveLength(max);
    for (const id of ids) {
      await work.started$(id);
      work.finish(id);
    }
    await done;
    expect(work.maxInFlight).toBe(max);
  });

  it('stops at the first failure: in-flight ones finish, nothing new starts, the rest are skipped', async () => {
    const work = new ManualUpgrades();
    const ids = users(10);
    const results: string[] = [];
    const done = runFleetUpgrade({ userIds: ids, maxUnavailable: 2, upgradeOne: work.upgradeOne, onResult: (r) => results.push(`${r.userId}:${r.status}`) });
    await work.started$('u00');
    work.finish('u00');
    await work.started$('u02');
    work.finish('u01');
    await work.started$('u03');
    // u02 and u03 are in flight; u02 fails, u03 must still be allowed to finish.
    work.fail('u02', 'image pull failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(work.started).toEqual(['u00', 'u01', 'u02', 'u03']);
    work.finish('u03');
    const final = await done;
    expect(final.map((r) => [r.userId, r.status])).toEqual([
      ['u00', 'upgraded'], ['u01', 'upgraded'], ['u02', 'failed'], ['u03', 'upgraded'],
      ...users(10).slice(4).map((u) => [u, 'skipped']),
    ]);
    expect(final[2]?.message).toBe('image pull failed');
    expect(final[4]?.message).toBe('not attempted: the upgrade stopped after u02 failed');
    expect(results).toEqual(['u00:upgraded', 'u01:upgraded', 'u02:failed', 'u03:upgraded']);
  });

  it('reports what upgradeOne says, "skipped" included, and describes failures its own way', async () => {
    const results = await runFleetUpgrade({
      userIds: ['a', 'b', 'c'],
      maxUnavailable: 1,
      upgradeOne: async (userId) => {
        if (userId === 'b') throw new Error('secret internals');
        return userId === 'a' ? { status: 'skipped', message: 'already on v2' } : { status: 'upgraded', message: 'ok' };
      },
      describeFailure: () => 'internal error',
    });
    expect(results).toEqual([
      { userId: 'a', status: 'skipped', message: 'already on v2' },
      { userId: 'b', status: 'failed', message: 'internal error' },
      { userId: 'c', status: 'skipped', message: 'not attempted: the upgrade stopped after b failed' },
    ]);
  });

  it('starts nothing new once cancelled', async () => {
    const work = new ManualUpgrades();
    const abort = new AbortController();
    const done = runFleetUpgrade({ userIds: users(4), maxUnavailable: 1, upgradeOne: work.upgradeOne, signal: abort.signal });
    await work.started$('u00');
    abort.abort();
    work.finish('u00');
    const results = await done;
    expect(results.map((r) => r.status)).toEqual(['upgraded', 'skipped', 'skipped', 'skipped']);
    expect(results[1]?.message).toBe('not attempted: the upgrade was cancelled');
  });

  it('does nothing for an empty fleet, and never has more workers than instances', async () => {
    expect(await runFleetUpgrade({ userIds: [], maxUnavailable: 5, upgradeOne: () => Promise.reject(new Error('no')) })).toEqual([]);
    const work = new ManualUpgrades();
    const done = runFleetUpgrade({ userIds: ['only'], maxUnavailable: 50, upgradeOne: work.upgradeOne });
    await work.started$('only');
    work.finish('only');
    expect(await done).toHaveLength(1);
    expect(work.maxInFlight).toBe(1);
  });
  it('stops after an instance that was rolled back, like after a failure', async () => {
    const work = new ManualUpgrades();
    const ids = users(4);
    const done = runFleetUpgrade({ userIds: ids, maxUnavailable: 1, upgradeOne: work.upgradeOne });
    await work.started$('u00');
    work.finish('u00');
    await work.started$('u01');
    work.finish('u01', { status: 'rolledBack', message: 'rolled back to revision 1', previousRevision: 1 });
    const results = await done;
    expect(results).toEqual([
      { userId: 'u00', status: 'upgraded', message: 'running v2' },
      { userId: 'u01', status: 'rolledBack', message: 'rolled back to revision 1', previousRevision: 1 },
      { userId: 'u02', status: 'skipped', message: 'not attempted: the upgrade stopped after u01 was rolled back' },
      { userId: 'u03', status: 'skipped', message: 'not attempted: the upgrade stopped after u01 was rolled back' },
    ]);
    expect(work.started).toEqual(['u00', 'u01']);
  });
});

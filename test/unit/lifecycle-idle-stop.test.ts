import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../manager/src/logger.js';
import { IdleStopper, decideIdleStops, sweepIntervalMs } from '../../manager/src/lifecycle/idle-stop.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { OperationInProgress } from '../../manager/src/runtime/runtime-errors.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

const MIN = 60_000;
const silent = createLogger('silent');

describe('decideIdleStops', () => {
  const instances = [{ userId: 'a', ready: true }, { userId: 'b', ready: true }, { userId: 'c', ready: false }];

  it('counts from the last activity, or from when the instance was first seen ready', () => {
    const readySince = new Map([['a', 0], ['b', 0]]);
    const activity: Record<string, number> = { a: 25 * MIN };
    const decision = decideIdleStops(instances, { now: 30 * MIN, idleAfterMs: 30 * MIN, lastActivity: (u) => activity[u], readySince });
    expect(decision.stop).toEqual([{ userId: 'b', idleMs: 30 * MIN }]);
    expect([...decision.readySince]).toEqual([['a', 0], ['b', 0]]);
  });

  it('gives an instance seen ready for the first time the full period, whatever its old activity', () => {
    const decision = decideIdleStops(instances, { now: 100 * MIN, idleAfterMs: 30 * MIN, lastActivity: () => 0, readySince: new Map() });
    expect(decision.stop).toEqual([]);
    expect(decision.readySince.get('a')).toBe(100 * MIN);
  });

  it('never stops an instance in use right now (a call under way, a viewer connected)', () => {
    const decision = decideIdleStops(instances, {
      now: 100 * MIN, idleAfterMs: MIN, lastActivity: () => 0, busy: (u) => u === 'a', readySince: new Map([['a', 0], ['b', 0]]),
    });
    expect(decision.stop.map((s) => s.userId)).toEqual(['b']);
  });

  it('never stops what is not ready, and forgets it', () => {
    const decision = decideIdleStops(instances, { now: 100 * MIN, idleAfterMs: MIN, lastActivity: () => undefined, readySince: new Map([['c', 0]]) });
    expect(decision.stop.map((s) => s.userId)).toEqual([]);
    expect(decision.readySince.has('c')).toBe(false);
  });
});

describe('sweepIntervalMs', () => {
  it.each([[2000, 500], [30 * MIN, MIN], [100, 250], [2 * 3_600_000, MIN], [MIN, 15_000]])('%d -> %d', (idle, interval) => {
    expect(sweepIntervalMs(idle)).toBe(interval);
  });
});

describe('IdleStopper with an injected clock', () => {
  it('stops an instance once idle for the period; activity resets the count', async () => {
    const runtime = new MemoryRuntime();
    runtime.readyOnCreate = true;
    await runtime.create({ userId: 'alice', secrets: {} });
    let now = 0;
    let last: number | undefined = undefined;
    const idle = new IdleStopper({
      runtime, stop: (u) => runtime.stopInstance(u), lastActivity: () => last, idleAfterMs: 10 * MIN, logger: silent, now: () => now,
    });
    expect(await idle.sweep()).toEqual([]);
    now = 8 * MIN;
    last = 7 * MIN;
    expect(await idle.sweep()).toEqual([]);
    now = 16 * MIN;
    expect(await idle.sweep()).toEqual([]);
    now = 17 * MIN;
    expect(await idle.sweep()).toEqual(['alice']);
    expect((await runtime.get('alice')).phase).toBe('Stopped');
    now = 60 * MIN;
    expect(await idle.sweep()).toEqual([]);
    expect(runtime.stops).toEqual(['alice']);
  });

  it('counts a restarted instance from its start, and skips one another operation holds', async () => {
    const runtime = new MemoryRuntime();
    runtime.readyOnCreate = true;
    await runtime.create({ userId: 'bob', secrets: {} });
    let now = 0;
    let busy = true;
    const idle = new IdleStopper({
      runtime,
      stop: async (u) => {
        if (busy) throw new OperationInProgress(u, 'upgrade');
        return runtime.stopInstance(u);
      },
      lastActivity: () => undefined, idleAfterMs: MIN, logger: silent, now: () => now,
    });
    await idle.sweep();
    now = 2 * MIN;
    expect(await idle.sweep()).toEqual([]);
    busy = false;
    expect(await idle.sweep()).toEqual(['bob']);
    await runtime.startInstance('bob');
    now = 2.5 * MIN;
    expect(await idle.sweep()).toEqual([]);
    now = 3.5 * MIN;
    expect(await idle.sweep()).toEqual(['bob']);
  });
});

/** Answers every gateway call: RPCs succeed so they are ordinary traffic. */
const answeringPool: GatewayCaller = { call: async <T>() => ({ ok: true }) as T, evict: () => undefined };

describe('idle stop in the app, real sweep and clock', () => {
  let manager: TestManager<MemoryRuntime> | undefined;
  afterEach(async () => {
    manager?.app.idleStop?.stop();
    await manager?.close();
  });

  it('stops an instance 2 s after its last RPC, not while RPCs keep coming, and logs it', async () => {
    const m = await startTestManager({ pool: answeringPool, env: { OPENCLAW_IDLE_STOP_AFTER: '2s' } });
    manager = m;
    m.runtime.readyOnCreate = true;
    await m.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'alice' } });
    await m.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'bob' } });
    expect(m.app.idleStop?.intervalMs).toBe(500);
    m.app.idleStop?.start();

    // alice gets an RPC every 400 ms for 4 s; bob gets nothing.
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      const res = await m.http.request('POST', '/api/instances/alice/rpc', { key: TEST_API_KEY, body: { method: 'health' } });
      expect(res.status, res.text).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect((await m.runtime.get('alice')).phase).toBe('Running');
    expect((await m.runtime.get('bob')).phase).toBe('Stopped');

    await expect.poll(async () => (await m.runtime.get('alice')).phase, { timeout: 10_000, interval: 200 }).toBe('Stopped');
    const rpc = await m.http.request('POST', '/api/instances/alice/rpc', { key: TEST_API_KEY, body: { method: 'health' } });
    expect(rpc.status).toBe(409);
    expect(rpc.body).toMatchObject({ code: 'INSTANCE_STOPPED' });
    expect(m.runtime.deleted).toEqual([]);
    const lines = m.logs().split('\n').filter((l) => l.includes('instance stopped after being idle'));
    expect(lines.map((l) => (JSON.parse(l) as { userId: string }).userId).sort()).toEqual(['alice', 'bob']);
  }, 30_000);

  it('does not stop an instance while a long call to it is under way (a WhatsApp wait)', async () => {
    let release: () => void = () => undefined;
    const slowPool: GatewayCaller = {
      call: <T>() => new Promise<T>((resolve) => {
        release = () => resolve({ ok: true } as T);
      }),
      evict: () => undefined,
    };
    const m = await startTestManager({ pool: slowPool, env: { OPENCLAW_IDLE_STOP_AFTER: '1s' } });
    manager = m;
    m.runtime.readyOnCreate = true;
    await m.http.request('POST', '/api/instances', { key: TEST_API_KEY, body: { userId: 'carol' } });
    m.app.idleStop?.start();
    const call = m.http.request('POST', '/api/instances/carol/rpc', { key: TEST_API_KEY, body: { method: 'web.login.wait', timeoutMs: 60_000 } });
    // Many sweeps pass with the call open for longer than the idle period.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await m.runtime.get('carol')).phase).toBe('Running');
    release();
    expect((await call).status).toBe(200);
    await expect.poll(async () => (await m.runtime.get('carol')).phase, { timeout: 10_000, interval: 100 }).toBe('Stopped');
  }, 30_000);
});

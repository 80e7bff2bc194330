import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import type { Instance, StartProgress } from '../../manager/src/runtime/instance-runtime.js';
import { InstanceUpgradeFailed } from '../../manager/src/runtime/runtime-errors.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import type { MemoryRuntime } from '../support/memory-runtime.js';

const answeringPool: GatewayCaller = { call: async <T>() => ({ ok: true }) as T, evict: () => undefined };

interface SseRead {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly events: StartProgress[];
  readonly comments: string[];
}

/** Reads an event stream until the server ends it (or `stopAfter` events, then the client hangs up). */
function readSse(url: string, stopAfter?: number): Promise<SseRead> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { Authorization: `Bearer ${TEST_API_KEY}` } }, (res) => {
      let buffer = '';
      const events: StartProgress[] = [];
      const comments: string[] = [];
      const done = (): void => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], events, comments });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)) as StartProgress);
          else if (block.startsWith(':')) comments.push(block);
          else buffer = `${block}\n\n${buffer}`;
        }
        if (stopAfter !== undefined && events.length >= stopAfter) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
    });
    req.on('error', (err) => (stopAfter === undefined ? reject(err) : undefined));
    req.end();
  });
}

describe('stop, start, progress routes', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  const api = (method: string, path: string, body?: unknown) => manager.http.request(method, path, { key: TEST_API_KEY, ...(body === undefined ? {} : { body }) });

  async function start(keepaliveMs?: number): Promise<void> {
    manager = await startTestManager({ pool: answeringPool, deps: keepaliveMs === undefined ? {} : { progressKeepaliveMs: keepaliveMs } });
    manager.runtime.readyOnCreate = true;
    expect((await api('POST', '/api/instances', { userId: 'alice' })).status).toBe(201);
  }

  it('stops (idempotent) and starts (idempotent), answering with the instance', async () => {
    await start();
    const stopped = await api('POST', '/api/instances/alice/stop');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ userId: 'alice', phase: 'Stopped', ready: false, imageTag: 'latest' });
    expect((await api('POST', '/api/instances/alice/stop')).body).toMatchObject({ phase: 'Stopped' });
    expect(manager.runtime.stops).toEqual(['alice']);
    expect((await api('GET', '/api/instances/alice')).body).toMatchObject({ phase: 'Stopped' });

    manager.runtime.readyOnCreate = false;
    const starting = await api('POST', '/api/instances/alice/start');
    expect(starting.status).toBe(202);
    expect(starting.headers.get('location')).toBe('/api/instances/alice');
    expect(starting.body).toMatchObject({ phase: 'Starting' });
    manager.runtime.setReady('alice', true);
    const again = await api('POST', '/api/instances/alice/start');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ phase: 'Running', ready: true });
    expect(manager.runtime.starts).toEqual(['alice']);
    expect(manager.logs()).toContain('"msg":"instance stopped"');
  });

  it('answers 404/400 for unknown or invalid users on every lifecycle route', async () => {
    await start();
    for (const [method, path] of [['POST', 'stop'], ['POST', 'start'], ['GET', 'progress']] as const) {
      expect((await api(method, `/api/instances/nobody/${path}`)).status).toBe(404);
      expect((await api(method, `/api/instances/Bad_Id/${path}`)).status).toBe(400);
      expect((await manager.http.request(method, `/api/instances/alice/${path}`)).status).toBe(401);
    }
  });

  it('refuses RPC, WhatsApp and VNC tickets to a stopped instance with 409 INSTANCE_STOPPED', async () => {
    await start();
    expect((await api('POST', '/api/instances/alice/rpc', { method: 'health' })).status).toBe(200);
    await api('POST', '/api/instances/alice/stop');
    for (const [method, path, body] of [
      ['POST', 'rpc', { method: 'health' }],
      ['POST', 'whatsapp/qr', {}],
      ['POST', 'whatsapp/wait', {}],
      ['GET', 'whatsapp/status', undefined],
      ['POST', 'vnc/ticket', undefined],
    ] as const) {
      const res = await api(method, `/api/instances/alice/${path}`, body);
      expect(res.status, path).toBe(409);
      expect(res.body, path).toMatchObject({ code: 'INSTANCE_STOPPED', error: expect.stringContaining('/api/instances/alice/start') });
    }
  });

  it('streams progress as server-sent events, never going back, a new stage even at the same number, and ends at ready', async () => {
    await start();
    manager.runtime.setReady('alice', false);
    manager.runtime.progressSteps.set('alice', [
      { progress: 0, message: 'stopped; waiting for a start', ready: false, failed: false },
      { progress: 10, message: 'pod created', ready: false, failed: false },
      { progress: 10, message: 'pod created', ready: false, failed: false },
      { progress: 20, message: 'scheduled', ready: false, failed: false },
      { progress: 15, message: 'a replaced pod', ready: false, failed: false },
      { progress: 80, message: 'container started', ready: false, failed: false },
    ]);
    const reading = readSse(`${manager.http.url}/api/instances/alice/progress`);
    setTimeout(() => manager.runtime.setReady('alice', true), 300);
    const read = await reading;
    expect(read.status).toBe(200);
    expect(read.contentType).toMatch(/^text\/event-stream/);
    // The replaced pod is news (its own message) but cannot pull the number back; the poll after the
    // last step is the instance's own message at 50, below 80, so it too keeps 80.
    expect(read.events.slice(0, 5)).toEqual([
      { progress: 0, message: 'stopped; waiting for a start', ready: false, failed: false },
      { progress: 10, message: 'pod created', ready: false, failed: false },
      { progress: 20, message: 'scheduled', ready: false, failed: false },
      { progress: 20, message: 'a replaced pod', ready: false, failed: false },
      { progress: 80, message: 'container started', ready: false, failed: false },
    ]);
    const progress = read.events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(read.events.at(-1)).toEqual({ progress: 100, message: 'gateway ready', ready: true, failed: false });
    expect(manager.runtime.openProgressStreams).toBe(0);
  });

  it('ends at once for a ready instance, and with a failed event when the instance fails', async () => {
    await start();
    expect((await readSse(`${manager.http.url}/api/instances/alice/progress`)).events).toEqual([{ progress: 100, message: 'gateway ready', ready: true, failed: false }]);
    manager.runtime.setReady('alice', false);
    manager.runtime.progressSteps.set('alice', [
      { progress: 35, message: 'pulling', ready: false, failed: false },
      { progress: 0, message: 'openclaw: ImagePullBackOff', ready: false, failed: true },
    ]);
    const read = await readSse(`${manager.http.url}/api/instances/alice/progress`);
    expect(read.events).toEqual([
      { progress: 35, message: 'pulling', ready: false, failed: false },
      { progress: 35, message: 'openclaw: ImagePullBackOff', ready: false, failed: true },
    ]);
  });

  it('sends keepalive comments, and stops following when the client disconnects', async () => {
    await start(50);
    await api('POST', '/api/instances/alice/stop');
    const read = await new Promise<SseRead>((resolve) => {
      const req = httpRequest(`${manager.http.url}/api/instances/alice/progress`, { headers: { Authorization: `Bearer ${TEST_API_KEY}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if ((text.match(/: keepalive/g) ?? []).length >= 2) {
            req.destroy();
            const events = text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => JSON.parse(b.slice(6)) as StartProgress);
            resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], events, comments: text.split('\n\n').filter((b) => b.startsWith(':')) });
          }
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    expect(read.events).toEqual([{ progress: 0, message: 'stopped', ready: false, failed: false }]);
    expect(read.comments.slice(0, 2)).toEqual([': keepalive', ': keepalive']);
    await expect.poll(() => manager.runtime.openProgressStreams, { timeout: 5000 }).toBe(0);
  });

  it('ends the stream with a failed event when the instance is deleted meanwhile', async () => {
    await start();
    await api('POST', '/api/instances/alice/stop');
    const reading = readSse(`${manager.http.url}/api/instances/alice/progress`);
    await expect.poll(() => manager.runtime.openProgressStreams).toBe(1);
    await api('DELETE', '/api/instances/alice');
    const read = await reading;
    expect(read.events.at(-1)).toMatchObject({ failed: true, ready: false, message: 'Instance "alice" not found' });
    expect(manager.runtime.openProgressStreams).toBe(0);
  });
});

describe('fleet upgrade routes', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());

  const api = (method: string, path: string, body?: unknown) => manager.http.request(method, path, { key: TEST_API_KEY, ...(body === undefined ? {} : { body }) });

  async function start(users: readonly string[]): Promise<void> {
    manager = await startTestManager();
    manager.runtime.readyOnCreate = true;
    for (const userId of users) await api('POST', '/api/instances', { userId });
  }

  async function finished(id: string): Promise<FleetUpgradeRun> {
    return manager.app.fleet.finished(id);
  }

  it('answers 202 with the run and its Location, then reports every instance', async () => {
    await start(['carol', 'alice', 'bob']);
    await manager.runtime.stopInstance('carol');
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', maxUnavailable: 2 });
    expect(res.status, res.text).toBe(202);
    const run = res.body as FleetUpgradeRun;
    expect(res.headers.get('location')).toBe(`/api/fleet/upgrade/${run.id}`);
    expect(run).toMatchObject({ state: 'running', imageTag: 'v2', maxUnavailable: 2, timeoutSeconds: 600, finishedAt: null });
    expect(run.results.map((r) => r.userId)).toEqual(['alice', 'bob', 'carol']);
    await finished(run.id);
    const status = await api('GET', `/api/fleet/upgrade/${run.id}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      state: 'succeeded',
      counts: { upgraded: 3, failed: 0, skipped: 0, pending: 0, upgrading: 0 },
      results: [
        { userId: 'alice', status: 'upgraded', message: 'running v2' },
        { userId: 'bob', status: 'upgraded', message: 'running v2' },
        { userId: 'carol', status: 'upgraded', message: 'stopped; runs v2 at its next start' },
      ],
    });
    expect((await manager.runtime.get('carol')).phase).toBe('Stopped');
    expect((await api('GET', '/api/instances/carol')).body).toMatchObject({ imageTag: 'v2' });

    const again = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', userIds: ['bob'] });
    const second = await finished((again.body as FleetUpgradeRun).id);
    expect(second.results).toEqual([{ userId: 'bob', status: 'skipped', message: 'already on v2' }]);
    // The kept runs, newest first.
    const list = await api('GET', '/api/fleet/upgrade');
    expect(list.status).toBe(200);
    expect((list.body as { runs: FleetUpgradeRun[] }).runs.map((r) => [r.id, r.state])).toEqual([[second.id, 'succeeded'], [run.id, 'succeeded']]);
  });

  it('stops at the first failure and skips the rest; one run at a time', async () => {
    await start(['u1', 'u2', 'u3', 'u4']);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    manager.runtime.upgradeHook = async (userId, tag) => {
      await gate;
      if (userId === 'u2') throw new InstanceUpgradeFailed(userId, tag, 'openclaw: ImagePullBackOff');
    };
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'bad', maxUnavailable: 1, userIds: ['u1', 'u2', 'u3', 'u4'], autoRollback: false });
    const id = (res.body as FleetUpgradeRun).id;
    const busy = await api('POST', '/api/fleet/upgrade', { imageTag: 'other' });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'FLEET_UPGRADE_IN_PROGRESS', details: { id } });
    const during = (await api('GET', `/api/fleet/upgrade/${id}`)).body as FleetUpgradeRun;
    expect(during.results.map((r) => r.status)).toEqual(['upgrading', 'pending', 'pending', 'pending']);
    release();
    const run = await finished(id);
    expect(run.state).toBe('failed');
    expect(run.results).toEqual([
      { userId: 'u1', status: 'upgraded', message: 'running bad' },
      { userId: 'u2', status: 'failed', message: 'Instance "u2" failed on bad: openclaw: ImagePullBackOff' },
      { userId: 'u3', status: 'skipped', message: 'not attempted: the upgrade stopped after u2 failed' },
      { userId: 'u4', status: 'skipped', message: 'not attempted: the upgrade stopped after u2 failed' },
    ]);
    expect((await manager.runtime.get('u3')).imageTag).toBe('latest');
    expect((await manager.runtime.get('u2')).imageTag).toBe('bad');
    expect(manager.runtime.rollbacks).toEqual([]);
    expect(manager.logs()).toContain('"msg":"fleet upgrade finished"');
  });

  it('rolls an instance that fails back to the revision it ran before, and stops there', async () => {
    await start(['u1', 'u2', 'u3']);
    manager.runtime.upgradeHook = async (userId, tag) => {
      if (userId === 'u2') throw new InstanceUpgradeFailed(userId, tag, 'openclaw: CrashLoopBackOff');
    };
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'bad', userIds: ['u1', 'u2', 'u3'] });
    const run = await finished((res.body as FleetUpgradeRun).id);
    expect(run).toMatchObject({ state: 'failed', autoRollback: true, canary: null, counts: { upgraded: 1, rolledBack: 1, skipped: 1, failed: 0 } });
    expect(run.results).toEqual([
      { userId: 'u1', status: 'upgraded', message: 'running bad', previousRevision: 1 },
      {
        userId: 'u2', status: 'rolledBack', previousRevision: 1,
        message: 'Instance "u2" was rolled back to revision 1 (latest): Instance "u2" failed on bad: openclaw: CrashLoopBackOff',
      },
      { userId: 'u3', status: 'skipped', message: 'not attempted: the upgrade stopped after u2 was rolled back' },
    ]);
    expect(manager.runtime.rollbacks.map((r) => [r.userId, r.revision])).toEqual([['u2', 1]]);
    expect(await manager.runtime.get('u2')).toMatchObject({ imageTag: 'latest', ready: true });
    const revisions = await api('GET', '/api/instances/u2/revisions');
    expect(revisions.status).toBe(200);
    expect((revisions.body as { revisions: { revision: number; imageTag: string; cause: string }[] }).revisions.map((r) => [r.revision, r.imageTag, r.cause])).toEqual([
      [3, 'latest', 'Rollback to 1'],
      [2, 'bad', `fleet run ${run.id}: upgrade to bad`],
      [1, 'latest', 'create'],
    ]);
  });

  it('upgrades the canaries first, watches them, then the rest', async () => {
    const health: string[] = [];
    manager = await startTestManager({ pool: { call: async <T>(_key: string, _target: unknown, method: string) => {
      health.push(method);
      return { ok: true } as T;
    }, evict: () => undefined } });
    manager.runtime.readyOnCreate = true;
    for (const userId of ['a', 'b', 'c', 'd']) await api('POST', '/api/instances', { userId });
    const order: string[] = [];
    manager.runtime.upgradeHook = async (userId) => {
      order.push(userId);
    };
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', maxUnavailable: 2, canary: { userIds: ['c'], soakSeconds: 0 } });
    expect(res.status, res.text).toBe(202);
    const run = await finished((res.body as FleetUpgradeRun).id);
    expect(run).toMatchObject({ state: 'succeeded', canary: { userIds: ['c'], soakSeconds: 0 } });
    expect(run.results.map((r) => [r.userId, r.status])).toEqual([['c', 'upgraded'], ['a', 'upgraded'], ['b', 'upgraded'], ['d', 'upgraded']]);
    expect(run.results[0]?.message).toBe('canary: healthy for 0 s on v2');
    expect(order[0]).toBe('c');
    // Its first answer starts the soak; with 0 s the one check at its end follows.
    expect(health).toEqual(['health', 'health']);
  });

  it('rolls every canary back and skips the rest when a canary is unhealthy while it soaks', async () => {
    let calls = 0;
    // Both canaries answer their first health call, then the gateway goes away.
    manager = await startTestManager({ pool: { call: async <T>() => {
      calls += 1;
      if (calls > 2) throw new Error('gateway closed the connection');
      return { ok: true } as T;
    }, evict: () => undefined } });
    manager.runtime.readyOnCreate = true;
    for (const userId of ['a', 'b', 'c']) await api('POST', '/api/instances', { userId });
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', maxUnavailable: 2, canary: { count: 2, soakSeconds: 0 } });
    const run = await finished((res.body as FleetUpgradeRun).id);
    expect(run.state).toBe('failed');
    expect(run.results.map((r) => [r.userId, r.status])).toEqual([['a', 'rolledBack'], ['b', 'rolledBack'], ['c', 'skipped']]);
    expect(run.results[0]?.message).toMatch(/^rolled back to revision 1 \(latest\): canary a: unhealthy while soaking: health RPC failed: /);
    expect(run.results[2]?.message).toMatch(/^not attempted: canary a: unhealthy while soaking/);
    expect(manager.runtime.rollbacks.map((r) => r.userId).sort()).toEqual(['a', 'b']);
    for (const userId of ['a', 'b', 'c']) expect((await manager.runtime.get(userId)).imageTag).toBe('latest');
  });

  it('leaves the canaries as they are without autoRollback, the unhealthy one marked failed', async () => {
    let calls = 0;
    manager = await startTestManager({ pool: { call: async <T>() => {
      calls += 1;
      if (calls > 1) throw new Error('gateway closed the connection');
      return { ok: true } as T;
    }, evict: () => undefined } });
    manager.runtime.readyOnCreate = true;
    for (const userId of ['a', 'b']) await api('POST', '/api/instances', { userId });
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', autoRollback: false, canary: { count: 1, soakSeconds: 0 } });
    const run = await finished((res.body as FleetUpgradeRun).id);
    expect(run.state).toBe('failed');
    expect(run.results.map((r) => [r.userId, r.status])).toEqual([['a', 'failed'], ['b', 'skipped']]);
    expect(run.results[0]?.message).toMatch(/^unhealthy while soaking: health RPC failed: /);
    expect(manager.runtime.rollbacks).toEqual([]);
    expect((await manager.runtime.get('a')).imageTag).toBe('v2');
  });

  it('starts a canary\'s soak at its first health answer: refusals right after it is ready are not a failure', async () => {
    let calls = 0;
    manager = await startTestManager({ pool: { call: async <T>() => {
      calls += 1;
      // What a Service does until its endpoints catch up with the new pod.
      if (calls <= 2) throw Object.assign(new Error('connect ECONNREFUSED 10.96.0.1:18789'), { code: 'ECONNREFUSED' });
      return { ok: true } as T;
    }, evict: () => undefined } });
    manager.runtime.readyOnCreate = true;
    for (const userId of ['a', 'b']) await api('POST', '/api/instances', { userId });
    const res = await api('POST', '/api/fleet/upgrade', { imageTag: 'v2', canary: { count: 1, soakSeconds: 0 } });
    const run = await finished((res.body as FleetUpgradeRun).id);
    expect(run.state, JSON.stringify(run.results)).toBe('succeeded');
    expect(calls).toBe(4);
    expect(manager.runtime.rollbacks).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a canary that is not a target', { imageTag: 'v2', userIds: ['alice'], canary: { userIds: ['bob'] } }, 'canary.userIds: bob is not among the instances to upgrade'],
    ['more canaries than running targets', { imageTag: 'v2', canary: { count: 3 } }, 'canary.count: only 2 of the 3 instances to upgrade are running'],
    ['count and userIds together', { imageTag: 'v2', canary: { count: 1, userIds: ['alice'] } }, 'canary'],
    ['neither count nor userIds', { imageTag: 'v2', canary: { soakSeconds: 5 } }, 'canary'],
    ['a soak over an hour', { imageTag: 'v2', canary: { count: 1, soakSeconds: 3601 } }, 'canary.soakSeconds: must be <= 3600'],
  ])('refuses %s with 400', async (_name, body, message) => {
    await start(['alice', 'bob', 'carol']);
    await manager.runtime.stopInstance('carol');
    const res = await api('POST', '/api/fleet/upgrade', body);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { error: string }).error).toContain(message);
  });

  it.each<[string, unknown, string]>([
    ['no tag', {}, 'imageTag: is required'],
    ['bad tag', { imageTag: '-x' }, 'imageTag: must match'],
    ['maxUnavailable 0', { imageTag: 'v2', maxUnavailable: 0 }, 'maxUnavailable: must be >= 1'],
    ['maxUnavailable 51', { imageTag: 'v2', maxUnavailable: 51 }, 'maxUnavailable: must be <= 50'],
    ['unknown field', { imageTag: 'v2', force: true }, 'force: is not a known field'],
    ['empty subset', { imageTag: 'v2', userIds: [] }, 'userIds'],
    ['duplicate ids', { imageTag: 'v2', userIds: ['alice', 'alice'] }, 'userIds'],
    ['unknown instance', { imageTag: 'v2', userIds: ['alice', 'ghost'] }, 'userIds: no such instance: ghost'],
  ])('refuses %s with 400', async (_name, body, message) => {
    await start(['alice']);
    const res = await api('POST', '/api/fleet/upgrade', body);
    expect(res.status, res.text).toBe(400);
    expect((res.body as { error: string }).error).toContain(message);
  });

  it('answers 404 for an unknown run id', async () => {
    await start([]);
    expect((await api('GET', '/api/fleet/upgrade/0123456789ab')).body).toMatchObject({ code: 'FLEET_UPGRADE_NOT_FOUND' });
    expect((await api('GET', '/api/fleet/upgrade/nope')).status).toBe(404);
  });

  it('shows imageTag on instances', async () => {
    await start(['alice']);
    expect(((await api('GET', '/api/instances')).body as { instances: Instance[] }).instances[0]?.imageTag).toBe('latest');
  });
});

describe('rollback and revisions routes', () => {
  let manager: TestManager<MemoryRuntime>;
  afterEach(async () => manager?.close());
  const api = (method: string, path: string, body?: unknown) => manager.http.request(method, path, { key: TEST_API_KEY, ...(body === undefined ? {} : { body }) });

  it('rolls back to the last revision that ran another image, then has nothing left to roll back to', async () => {
    manager = await startTestManager();
    manager.runtime.readyOnCreate = true;
    await api('POST', '/api/instances', { userId: 'alice' });
    await manager.runtime.stopInstance('alice');
    await manager.runtime.startInstance('alice');
    await manager.runtime.upgrade('alice', 'v2', { timeoutMs: 1000 });
    const back = await api('POST', '/api/instances/alice/rollback');
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ userId: 'alice', imageTag: 'latest', ready: true });
    expect(manager.runtime.rollbacks.map((r) => r.revision)).toEqual([1]);
    const none = await api('POST', '/api/instances/alice/rollback', {});
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ code: 'NOTHING_TO_ROLL_BACK_TO' });
    const named = await api('POST', '/api/instances/alice/rollback', { revision: 2, timeoutSeconds: 30 });
    expect(named.body).toMatchObject({ imageTag: 'v2' });
  });

  it('answers 404 for an unknown revision or instance, 400 for a bad body', async () => {
    manager = await startTestManager();
    await api('POST', '/api/instances', { userId: 'alice' });
    const unknown = await api('POST', '/api/instances/alice/rollback', { revision: 9 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'REVISION_NOT_FOUND', error: 'Instance "alice" has no revision 9 (kept: 1)' });
    expect((await api('POST', '/api/instances/ghost/rollback', {})).status).toBe(404);
    expect((await api('GET', '/api/instances/ghost/revisions')).status).toBe(404);
    for (const body of [{ revision: 0 }, { revision: 'one' }, { timeoutSeconds: 5 }, { force: true }]) {
      const res = await api('POST', '/api/instances/alice/rollback', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

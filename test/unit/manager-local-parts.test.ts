import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillUrlTemplate } from '../../manager/src/runtime/url-template.js';
import { UserLocks } from '../../manager/src/runtime/user-lock.js';
import { OperationInProgress } from '../../manager/src/runtime/runtime-errors.js';
import { buildInstanceEnv } from '../../manager/src/runtime/local/instance-env.js';
import { readRecord, writeRecord, type InstanceRecord } from '../../manager/src/runtime/local/instance-record.js';
import { freePorts, isPortFree } from '../../manager/src/runtime/local/free-ports.js';
import { isAlive, isSameProcess, processStartTime } from '../../manager/src/runtime/local/process-table.js';
import { localPaths } from '../../manager/src/runtime/local/local-paths.js';

const record: InstanceRecord = {
  version: 1, userId: 'alice', createdAt: '2026-01-01T00:00:00.000Z',
  ports: { gateway: 4001, gatewayInternal: 4002, vnc: 4003, rfb: 4004, cdp: 4005 }, display: 101, browser: false,
};

describe('fillUrlTemplate', () => {
  it.each([
    ['ws://{service}.{namespace}.svc.cluster.local:18789', 'ws://alice-openclaw.openclaw.svc.cluster.local:18789'],
    ['ws://127.0.0.1:9000/{userId}', 'ws://127.0.0.1:9000/alice'],
    ['ws://fixed:1', 'ws://fixed:1'],
  ])('%s', (template, expected) => {
    expect(fillUrlTemplate(template, { userId: 'alice', namespace: 'openclaw' })).toBe(expected);
  });
});

describe('UserLocks', () => {
  it('lets exactly one operation per user run; others get OperationInProgress', async () => {
    const locks = new UserLocks();
    let release!: () => void;
    const first = locks.run('alice', 'create', () => new Promise<string>((r) => (release = () => r('done'))));
    await expect(locks.run('alice', 'delete', async () => 'x')).rejects.toBeInstanceOf(OperationInProgress);
    await expect(locks.run('bob', 'create', async () => 'bob')).resolves.toBe('bob');
    release();
    await expect(first).resolves.toBe('done');
    await expect(locks.run('alice', 'delete', async () => 'again')).resolves.toBe('again');
  });

  it('releases the lock when the operation fails', async () => {
    const locks = new UserLocks();
    await expect(locks.run('alice', 'create', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(locks.isHeld('alice')).toBe(false);
  });
});

describe('buildInstanceEnv', () => {
  const env = buildInstanceEnv({
    base: { PATH: '/bin', HOME: '/home/me', OPENCLAW_RUNTIME: 'local', OPENCLAW_GATEWAY_TOKEN: 'parent' },
    record, stateDir: '/data/alice/state', token: 'tok', secrets: { ANTHROPIC_API_KEY: 'sk', OPENCLAW_BIN: 'ignored' }, openclawBin: '/opt/openclaw',
  });

  it('sets the entrypoint contract', () => {
    expect(env).toMatchObject({
      PATH: '/bin', HOME: '/home/me', ANTHROPIC_API_KEY: 'sk',
      OPENCLAW_GATEWAY_TOKEN: 'tok', OPENCLAW_STATE_DIR: '/data/alice/state', OPENCLAW_GATEWAY_PORT: '4001', OPENCLAW_GATEWAY_BIND: '127.0.0.1',
      OPENCLAW_GATEWAY_INTERNAL_PORT: '4002', OPENCLAW_BROWSER_ENABLED: 'false', OPENCLAW_VNC_PORT: '4003', OPENCLAW_RFB_PORT: '4004',
      OPENCLAW_DISPLAY: ':101', OPENCLAW_CDP_PORT: '4005', OPENCLAW_BIN: '/opt/openclaw',
    });
  });

  it("drops the manager's own OPENCLAW_* settings", () => {
    expect(env.OPENCLAW_RUNTIME).toBeUndefined();
  });
});

describe('instance records', () => {
  it('round-trip through a 0600 file in a 0700 directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'record-'));
    const paths = localPaths(dir, 'alice');
    await writeRecord(paths.recordFile, { ...record, pid: 42 });
    expect(await readRecord(paths.recordFile)).toEqual({ ...record, pid: 42 });
    expect(statSync(paths.recordFile).mode & 0o777).toBe(0o600);
    expect(statSync(paths.runtimeDir).mode & 0o777).toBe(0o700);
    expect(await readRecord(path.join(dir, 'missing.json'))).toBeUndefined();
  });

  it('lay out state apart from runtime files', () => {
    expect(localPaths('/d', 'alice')).toEqual({
      userDir: '/d/alice', stateDir: '/d/alice/state', runtimeDir: '/d/alice/runtime', recordFile: '/d/alice/runtime/instance.json',
      tokenFile: '/d/alice/runtime/gateway-token', secretsFile: '/d/alice/runtime/secrets.json', logFile: '/d/alice/runtime/instance.log',
    });
  });
});

describe('process table', () => {
  it('recognises a live process by pid and start time, and not after it exits', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid ?? -1;
    const start = processStartTime(pid);
    expect(start).toMatch(/^\d+$/);
    expect(isSameProcess(pid, start)).toBe(true);
    expect(isSameProcess(pid, '1')).toBe(false);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    expect(isAlive(pid)).toBe(false);
    expect(isSameProcess(pid, start)).toBe(false);
  });
});

describe('free ports', () => {
  it('finds distinct bindable ports', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
  });
});

// The gateway client and pool against the real pinned OpenClaw gateway run by the instance entrypoint.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import {
  GatewayAborted,
  GatewayAuthFailed,
  GatewayRequestFailed,
  GatewayTimeout,
  GatewayUnavailable,
} from '../../manager/src/gateway/gateway-errors.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import type { HelloOk } from '../../manager/src/gateway/protocol.js';
import { interpretLoginStart } from '../../manager/src/whatsapp/whatsapp-login.js';
import { WhatsAppLoginFailed } from '../../manager/src/whatsapp/whatsapp-errors.js';
import { type GatewayInstance, startInstance } from '../support/gateway-instance.js';

const ADMIN_SCOPES = ['operator.read', 'operator.write', 'operator.admin', 'operator.pairing', 'operator.approvals'];

// One state dir for the whole file, so the restarted instance starts from the same state.
const stateDir = mkdtempSync(path.join(tmpdir(), 'openclaw-client-test-'));
let instance: GatewayInstance;
let client: GatewayClient;

beforeAll(async () => {
  // WhatsApp loads on first use; this suite talks to its channel straight away, so it starts on.
  writeFileSync(path.join(stateDir, 'openclaw.json'), JSON.stringify({ plugins: { entries: { whatsapp: { enabled: true } } } }));
  instance = await startInstance({ browser: false, stateDir });
  client = new GatewayClient({ url: instance.gatewayUrl, token: instance.token });
});

afterAll(async () => {
  await client?.close();
  await instance?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('handshake', () => {
  it('connects with the right token and gets hello-ok with the admin scopes', async () => {
    const hello = await client.connect();
    expect(hello.type).toBe('hello-ok');
    expect(hello.protocol).toBe(4);
    expect(hello.auth.scopes).toEqual(expect.arrayContaining(ADMIN_SCOPES));
    expect(hello.policy.tickIntervalMs).toBeGreaterThan(0);
    expect(hello.features.methods).toEqual(expect.arrayContaining(['health', 'status', 'channels.status', 'web.login.start']));
    expect(client.connected).toBe(true);
  });

  it('refuses a wrong token with GatewayAuthFailed carrying AUTH_TOKEN_MISMATCH', async () => {
    const wrong = new GatewayClient({ url: instance.gatewayUrl, token: `${instance.token}x` });
    const err = await wrong.connect().catch((e: unknown) => e);
    await wrong.close();
    expect(err).toBeInstanceOf(GatewayAuthFailed);
    expect(err).toMatchObject({ detailCode: 'AUTH_TOKEN_MISMATCH', method: 'connect' });
    expect(String((err as Error).message)).not.toContain(instance.token);
  });
});

describe('requests', () => {
  it.each([
    ['health', {}, (p: Record<string, unknown>) => expect(p.ok).toBe(true)],
    ['status', {}, (p: Record<string, unknown>) => expect(p).toHaveProperty('processMemory.rssBytes')],
    ['channels.status', { channel: 'whatsapp' }, (p: Record<string, unknown>) => expect(p).toHaveProperty('channels.whatsapp.linked', false)],
  ])('%s answers', async (method, params, check) => {
    check(await client.request<Record<string, unknown>>(method, params));
  });

  it('gives each of 50 concurrent calls on one connection its own answer', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => {
      if (i % 3 === 0) return client.request<Record<string, unknown>>('health').then((p) => ['health', p.ok] as const);
      if (i % 3 === 1) return client.request<Record<string, unknown>>('channels.status', { channel: 'whatsapp' }).then((p) => ['channels', Object.keys(p.channels as object)] as const);
      return client.request(`no.such.method.${i}`).then(
        () => ['unexpected', i] as const,
        (e: unknown) => ['error', (e as Error).message.includes(`no.such.method.${i}`) && e instanceof GatewayRequestFailed] as const,
      );
    });
    const results = await Promise.all(calls);
    results.forEach((result, i) => {
      if (i % 3 === 0) expect(result).toEqual(['health', true]);
      else if (i % 3 === 1) expect(result).toEqual(['channels', ['whatsapp']]);
      else expect(result).toEqual(['error', true]);
    });
  });

  it('reports an unknown method as GatewayRequestFailed INVALID_REQUEST', async () => {
    const err = await client.request('channel.status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRequestFailed);
    expect(err).toMatchObject({ code: 'INVALID_REQUEST', method: 'channel.status' });
  });

  it('turns the offline web.login.start answer (ok:true, only a message) into WhatsAppLoginFailed', async () => {
    const payload = await client.request('web.login.start', { channel: 'whatsapp' }, { timeoutMs: 60_000 });
    expect(payload).not.toHaveProperty('qrDataUrl');
    expect(payload).toHaveProperty('message');
    const err = (() => {
      try {
        interpretLoginStart(payload);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WhatsAppLoginFailed);
    expect((err as Error).message).toBe((payload as { message: string }).message);
    expect((err as Error).message).toMatch(/WhatsApp login failed/);
  });
});

describe('a frozen gateway', () => {
  it('times out and aborts single calls, then drops the connection after two silent tick intervals', async () => {
    const gatewayPid = instance.pids().gateway as number;
    const tickMs = (client.hello as HelloOk).policy.tickIntervalMs;
    await expect(client.request('health', {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(GatewayAborted);
    const closed = new Promise<GatewayUnavailable>((resolve) => client.once('close', resolve));
    const started = Date.now();
    process.kill(gatewayPid, 'SIGSTOP');
    try {
      await expect(client.request('health', {}, { timeoutMs: 1_000 })).rejects.toBeInstanceOf(GatewayTimeout);
      const controller = new AbortController();
      const aborted = client.request('health', {}, { signal: controller.signal, timeoutMs: 60_000 });
      controller.abort();
      await expect(aborted).rejects.toBeInstanceOf(GatewayAborted);
      const pending = client.request('status', {}, { timeoutMs: 10 * tickMs }).catch((e: unknown) => e);
      const error = await closed;
      expect(error.message).toMatch(/silent/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * tickMs);
      expect(await pending).toBeInstanceOf(GatewayUnavailable);
    } finally {
      process.kill(gatewayPid, 'SIGCONT');
    }
    // The next call connects afresh.
    await expect(client.request('health')).resolves.toHaveProperty('ok', true);
    expect(client.connected).toBe(true);
  });
});

describe('losing the gateway', () => {
  const pool = new GatewayPool({ connectTimeoutMs: 60_000 });
  const key = 'client-test';
  afterAll(() => pool.closeAll());

  it('rejects a pending call with GatewayUnavailable when the gateway dies, and the entrypoint exits non-zero', async () => {
    const target = { url: instance.gatewayUrl, token: instance.token };
    await expect(pool.call(key, target, 'health')).resolves.toHaveProperty('ok', true);
    const gatewayPid = instance.pids().gateway;
    expect(gatewayPid).toBeGreaterThan(0);
    const closed = new Promise<GatewayUnavailable>((resolve) => client.once('close', resolve));

    // A stopped gateway cannot answer, so these calls are surely pending when it is killed.
    process.kill(gatewayPid as number, 'SIGSTOP');
    const pendingClient = client.request('status', {}, { timeoutMs: 120_000 }).catch((e: unknown) => e);
    const pendingPool = pool.call(key, target, 'status', {}, { timeoutMs: 120_000 }).catch((e: unknown) => e);
    process.kill(gatewayPid as number, 'SIGKILL');

    expect(await pendingClient).toBeInstanceOf(GatewayUnavailable);
    expect(await pendingPool).toBeInstanceOf(GatewayUnavailable);
    expect(await closed).toBeInstanceOf(GatewayUnavailable);
    expect(client.connected).toBe(false);
    const code = await instance.exited;
    expect(code).not.toBe(0);
    expect(instance.processes()).toEqual([]);
    // Nothing listens now: the pool fails at once instead of hanging.
    await expect(pool.call(key, target, 'health')).rejects.toBeInstanceOf(GatewayUnavailable);
  });

  it('connects afresh on the next call (client) and serves again (pool) once an instance is back on the same port', async () => {
    instance = await startInstance({ browser: false, stateDir, ports: instance.ports, token: instance.token });
    await expect(client.request('health')).resolves.toHaveProperty('ok', true);
    expect(client.hello?.auth.scopes).toEqual(expect.arrayContaining(ADMIN_SCOPES));
    await expect(pool.call(key, { url: instance.gatewayUrl, token: instance.token }, 'health')).resolves.toHaveProperty('ok', true);
    expect(pool.size).toBe(1);
  });

  it('replaces the pooled connection when the token for a key changes', async () => {
    const err = await pool.call(key, { url: instance.gatewayUrl, token: 'not-the-token' }, 'health').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayAuthFailed);
    expect(pool.size).toBe(0);
    await expect(pool.call(key, { url: instance.gatewayUrl, token: instance.token }, 'health')).resolves.toHaveProperty('ok', true);
  });
});

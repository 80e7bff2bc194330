// WhatsApp against the REAL pinned gateway (scripts/instance-entrypoint.sh via startInstance). No
// WhatsApp server is reachable here, so this covers what the real gateway can do offline: before the
// first pairing the plugin is not loaded and status/wait/logout answer as for a never-linked user;
// the first QR request loads it (config.patch); the login then fails (ok:true with only a message
// upstream, a 502 with that message here, never a QR); the Helm plugin in manager mode (status, rpc
// health, pair failing in one line); and the same instance with WhatsApp denied by its operator
// (plugins.deny: 501 everywhere).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { startInstance, type GatewayInstance } from '../support/gateway-instance.js';
import { installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';

describe('WhatsApp on the real gateway (offline)', () => {
  let instance: GatewayInstance;
  let manager: TestManager<MemoryRuntime>;
  let pool: GatewayPool;
  let plugins: PluginHome;

  beforeAll(async () => {
    [instance, plugins] = await Promise.all([startInstance(), installPlugins([PLUGIN_DIRS.openclaw])]);
    const runtime = new MemoryRuntime();
    runtime.readyOnCreate = true;
    runtime.target = { url: instance.gatewayUrl, token: instance.token };
    await runtime.create({ userId: 'alice', secrets: {} });
    pool = new GatewayPool();
    manager = await startTestManager({ runtime, pool });
  });

  afterAll(async () => {
    await manager?.close();
    await pool?.closeAll();
    await instance?.stop();
    plugins?.remove();
  });

  const call = (method: string, urlPath: string, body?: unknown) =>
    manager.http.request(method, urlPath, { key: TEST_API_KEY, ...(body !== undefined ? { body } : {}) });
  const helm = (args: string[]) => runHelm(['openclaw', ...args, '--manager-url', manager.http.url], { env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY } });

  it('before the first pairing the plugin is not loaded, and status says not linked', async () => {
    const direct = new GatewayClient({ url: instance.gatewayUrl, token: instance.token });
    try {
      await expect(direct.request('channels.status', { channel: 'whatsapp' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^unknown channel: whatsapp/) });
    } finally {
      await direct.close();
    }
    const res = await call('GET', '/api/instances/alice/whatsapp/status');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ linked: false, connected: false, self: null, state: 'not-linked', issues: ['Not linked: WhatsApp loads on the first pairing.'] });
  });

  it('POST .../whatsapp/qr loads the plugin, then -> 502 with the gateway message, never a QR', async () => {
    const res = await call('POST', '/api/instances/alice/whatsapp/qr', { force: true });
    expect(res.status, res.text).toBe(502);
    expect(res.body).toEqual({ code: 'WHATSAPP_LOGIN_FAILED', error: expect.stringMatching(/^WhatsApp login failed: .*web\.whatsapp\.com/) });
    const config = JSON.parse(readFileSync(path.join(instance.stateDir, 'openclaw.json'), 'utf8')) as { plugins: { entries: Record<string, unknown> } };
    expect(config.plugins.entries.whatsapp).toEqual({ enabled: true });
  });

  it('the gateway itself answers web.login.start offline with ok:true and only a message (the trap)', async () => {
    const client = new GatewayClient({ url: instance.gatewayUrl, token: instance.token });
    try {
      const payload = (await client.request('web.login.start', { force: true }, { timeoutMs: 120_000 })) as Record<string, unknown>;
      expect(payload.qrDataUrl).toBeUndefined();
      expect(payload.message).toMatch(/^WhatsApp login failed: /);
    } finally {
      await client.close();
    }
  });

  it('POST .../whatsapp/wait with no login running -> not-started', async () => {
    const res = await call('POST', '/api/instances/alice/whatsapp/wait', { timeoutMs: 1_000 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ connected: false, reason: 'not-started', message: 'No active WhatsApp login in progress.' });
  });

  it('GET .../whatsapp/status -> not linked, with the gateway issue', async () => {
    const res = await call('GET', '/api/instances/alice/whatsapp/status');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ linked: false, connected: false, self: null, state: 'not-linked', issues: ['Not linked (no WhatsApp Web session).'] });
  });

  it('POST .../whatsapp/logout -> nothing to log out', async () => {
    const res = await call('POST', '/api/instances/alice/whatsapp/logout');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ loggedOut: false, message: 'WhatsApp was not linked; nothing to log out.' });
  });

  it('helm openclaw status (manager mode)', async () => {
    const run = await helm(['status', 'alice']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('WhatsApp: not linked\n  - Not linked (no WhatsApp Web session).');
  });

  it('helm openclaw rpc alice health (manager mode)', async () => {
    const run = await helm(['rpc', 'alice', 'health']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
  });

  it('helm openclaw rpc with params, and an unknown method as one line', async () => {
    const ok = await helm(['rpc', 'alice', 'channels.status', '{"channel":"whatsapp"}']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ channels: { whatsapp: { linked: false } } });
    const bad = await helm(['rpc', 'alice', 'channel.status']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([expect.stringMatching(/^error: The manager answered 400 INVALID_REQUEST: unknown method/)]);
  });

  it('helm openclaw pair fails in one line with the gateway message (exit 1)', async () => {
    const run = await helm(['pair', 'alice', '--force']);
    expect(run.exitCode).not.toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(lines).toEqual([expect.stringMatching(/^error: The manager answered 502 WHATSAPP_LOGIN_FAILED: WhatsApp login failed: /)]);
    expect(run.stdout).toBe('');
  });

  describe('the same instance with WhatsApp denied by its operator (plugins.deny in openclaw.json)', () => {
    beforeAll(async () => {
      const file = path.join(instance.stateDir, 'openclaw.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as { plugins: { deny?: string[] } };
      config.plugins.deny = ['whatsapp'];
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
      // The gateway watches its config and unloads the plugin without a restart.
      const deadline = Date.now() + 180_000;
      for (;;) {
        const res = await call('POST', '/api/instances/alice/whatsapp/qr', { force: true });
        if (res.status === 501) break;
        if (Date.now() > deadline) throw new Error(`the plugin did not unload: last answer ${res.status} ${res.text}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    });

    it.each([
      { method: 'POST', route: 'qr', body: { force: true }, gateway: 'web login provider is not available' },
      { method: 'POST', route: 'wait', body: { timeoutMs: 1_000 }, gateway: 'web login provider is not available' },
      { method: 'GET', route: 'status', body: undefined, gateway: 'unknown channel: whatsapp' },
      { method: 'POST', route: 'logout', body: undefined, gateway: 'invalid channels.logout channel' },
    ])('$method .../whatsapp/$route -> 501 naming the missing plugin', async ({ method, route, body, gateway }) => {
      const res = await call(method, `/api/instances/alice/whatsapp/${route}`, body);
      expect(res.status, res.text).toBe(501);
      expect(res.body).toMatchObject({ code: 'WHATSAPP_PLUGIN_MISSING' });
      const error = (res.body as { error: string }).error;
      expect(error).toContain('The WhatsApp plugin is not installed in this instance');
      expect(error).toContain(gateway);
    });

    it('helm openclaw status and pair say so in one line', async () => {
      for (const args of [['status', 'alice'], ['pair', 'alice']]) {
        const run = await helm(args);
        expect(run.exitCode).not.toBe(0);
        expect(run.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
          expect.stringContaining('501 WHATSAPP_PLUGIN_MISSING: The WhatsApp plugin is not installed in this instance'),
        ]);
      }
    });

    it('the rest of the gateway still works', async () => {
      const run = await helm(['rpc', 'alice', 'health']);
      expect(run.exitCode, run.stderr).toBe(0);
    });
  });
});

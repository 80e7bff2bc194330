// The WhatsApp happy path end to end, where no real WhatsApp can be reached: a gateway double that
// speaks the pinned protocol schema exactly (every frame checked), the real manager app with the
// shared GatewayPool in front of it, and the real `helm openclaw pair` in manager mode, piped and
// in a terminal (tmux). The QR the plugin draws is decoded back with jsQR.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { renderQrDataUrl } from '../../plugins/openclaw/src/qr-terminal.js';
import { helmBinary, installPlugins, PLUGIN_DIRS, runHelm, type PluginHome } from '../support/helm.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';
import { installedProtocolVersion, pinnedProtocolVersion } from '../support/protocol-schema.js';
import { decodeTerminalQr, stripAnsi } from '../support/terminal-qr.js';
import { runInTmux } from '../support/tmux.js';
import { startWhatsAppGatewayDouble, type WhatsAppGatewayDouble } from '../support/whatsapp-gateway-double.js';

/** Each run of block-character lines on the output: one drawn QR each. */
function drawnQrs(output: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of output.split('\n')) {
    const text = stripAnsi(line).replace(/\s+$/, '');
    if (text !== '' && /^[ █▀▄]+$/.test(text)) current.push(line);
    else if (current.length > 0) {
      blocks.push(current);
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

describe('WhatsApp pairing against the protocol-checked gateway double', () => {
  let double: WhatsAppGatewayDouble;
  let manager: TestManager<MemoryRuntime>;
  let pool: GatewayPool;
  let plugins: PluginHome;

  beforeAll(async () => {
    plugins = await installPlugins([PLUGIN_DIRS.openclaw]);
  });
  afterAll(() => plugins?.remove());

  beforeEach(async () => {
    double = await startWhatsAppGatewayDouble();
    const runtime = new MemoryRuntime();
    runtime.readyOnCreate = true;
    runtime.target = { url: double.url, token: double.token };
    await runtime.create({ userId: 'alice', secrets: {} });
    pool = new GatewayPool();
    manager = await startTestManager({ runtime, pool });
  });

  afterEach(async () => {
    await manager?.close();
    await pool?.closeAll();
    await double?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    manager.http.request(method, path, { key: TEST_API_KEY, ...(body !== undefined ? { body } : {}) });

  it('checks frames against the pinned @openclaw/gateway-protocol', () => {
    expect(installedProtocolVersion()).toBe(pinnedProtocolVersion());
  });

  it('refuses what the schema refuses (the check is live): `channel` is not in the pinned WebLoginStartParams', async () => {
    const client = new GatewayClient({ url: double.url, token: double.token });
    try {
      await client.connect();
      await expect(client.request('web.login.start', { channel: 'whatsapp' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(client.request('channel.status', {})).rejects.toThrow('unknown method: channel.status');
    } finally {
      await client.close();
    }
    expect(double.violations).toEqual([expect.stringContaining('in req web.login.start: WebLoginStartParams must NOT have additional properties')]);
  });

  it('manager endpoints: qr -> wait (rotated QR) -> wait (linked) -> status', async () => {
    const qr = await call('POST', '/api/instances/alice/whatsapp/qr', { force: true });
    expect(qr.status, qr.text).toBe(200);
    const first = qr.body as { qrDataUrl: string; message: string; expiresAt: string };
    expect(first.qrDataUrl).toBe(double.qrDataUrls[0]);
    expect(Date.parse(first.expiresAt)).toBeGreaterThan(Date.now());

    const rotated = await call('POST', '/api/instances/alice/whatsapp/wait', { timeoutMs: 60_000, currentQrDataUrl: first.qrDataUrl });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body).toEqual({ connected: false, reason: 'qr-rotated', qrDataUrl: double.qrDataUrls[1], message: expect.stringContaining('QR refreshed') });

    const linked = await call('POST', '/api/instances/alice/whatsapp/wait', { timeoutMs: 60_000, currentQrDataUrl: double.qrDataUrls[1] });
    expect(linked.body).toEqual({ connected: true, message: '✅ Linked! WhatsApp is ready.' });

    const status = await call('GET', '/api/instances/alice/whatsapp/status');
    expect(status.body).toMatchObject({ linked: true, connected: true, self: { e164: '+15550100123' } });

    // What the API handed out are the double's QRs, and they draw scannably.
    for (const [i, url] of [first.qrDataUrl, (rotated.body as { qrDataUrl: string }).qrDataUrl].entries()) {
      expect(decodeTerminalQr(renderQrDataUrl(url), { inkIsDark: true })).toBe(double.qrContents[i]);
    }
    expect(double.calls).toEqual(['connect', 'web.login.start', 'web.login.wait', 'web.login.wait', 'channels.status']);
    // challenge, connect, hello-ok, then a req and a res per call.
    expect(double.frames.length).toBeGreaterThanOrEqual(3 + 2 * 4);
    expect(double.violations).toEqual([]);
  });

  it('helm openclaw pair in manager mode (piped): draws both QRs, exits 0 once linked', async () => {
    const run = await runHelm(['openclaw', 'pair', 'alice', '--manager-url', manager.http.url, '--timeout', '2m'], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY },
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const qrs = drawnQrs(run.stdout);
    expect(qrs).toHaveLength(2);
    expect(qrs.map((lines) => decodeTerminalQr(lines, { inkIsDark: true }))).toEqual(double.qrContents);
    expect(run.stdout).toContain('Linked. ✅ Linked! WhatsApp is ready.');
    expect(run.stdout).toContain('WhatsApp: linked as +15550100123, connected');
    expect(run.stdout).not.toContain(TEST_API_KEY);
    expect(run.stderr).toBe('');
    expect(double.violations).toEqual([]);
  });

  it('helm openclaw pair in a terminal (tmux): the QR is redrawn in place, the latest one scans', async () => {
    const run = await runInTmux([helmBinary(), 'openclaw', 'pair', 'alice', '--manager-url', manager.http.url], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY },
    });
    expect(run.exitCode, run.screen).toBe(0);
    const qrs = drawnQrs(run.screen);
    // One QR on screen: the rotation replaced the first one instead of printing below it.
    expect(qrs).toHaveLength(1);
    expect(decodeTerminalQr(qrs[0] ?? [], { inkIsDark: true })).toBe(double.qrContents[1]);
    expect(run.screen).toContain('Linked. ✅ Linked! WhatsApp is ready.');
    expect(double.violations).toEqual([]);
  });

  it('Ctrl-C in pair cancels the manager wait on the gateway and exits 130', async () => {
    // A phone that never scans: the first wait stays open.
    await double.close();
    double = await startWhatsAppGatewayDouble({ stepDelayMs: 600_000 });
    manager.runtime.target = { url: double.url, token: double.token };
    const run = await runInTmux([helmBinary(), 'openclaw', 'pair', 'alice', '--manager-url', manager.http.url], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY },
      interact: async (tmux) => {
        const deadline = Date.now() + 60_000;
        while (!double.calls.includes('web.login.wait') || !(await tmux.screen()).includes('Ctrl-C cancels')) {
          if (Date.now() > deadline) throw new Error(`pair did not start waiting:\n${await tmux.screen()}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        await tmux.sendKeys('C-c');
      },
    });
    expect(run.exitCode, run.screen).toBe(130);
    expect(run.screen).toContain('Cancelled.');
    // The manager saw its client leave and aborted the gateway call.
    const deadline = Date.now() + 30_000;
    let metrics = '';
    while (!/openclaw_manager_http_requests_total\{[^}]*route="\/api\/instances\/:userId\/whatsapp\/wait"[^}]*status="499"/.test(metrics)) {
      if (Date.now() > deadline) throw new Error(`no 499 for the wait route in:\n${metrics}`);
      await new Promise((r) => setTimeout(r, 200));
      metrics = (await call('GET', '/metrics')).text;
    }
    expect(metrics).toMatch(/openclaw_manager_gateway_rpc_total\{[^}]*method="web.login.wait"[^}]*\} 1/);
    expect(double.violations).toEqual([]);
  });

  it('helm openclaw status in manager mode', async () => {
    const run = await runHelm(['openclaw', 'status', 'alice', '--manager-url', manager.http.url, '--json'], {
      env: { ...plugins.env, OPENCLAW_MANAGER_API_KEY: TEST_API_KEY },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ linked: false, state: 'not-linked' });
    expect(double.violations).toEqual([]);
  });
});

// scripts/instance-entrypoint.sh run outside a container with the browser on: every process comes
// up, noVNC serves its page and the RFB greeting, SIGTERM leaves nothing behind, and a dead gateway
// takes the whole instance down with a non-zero exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { type GatewayInstance, startInstance } from '../support/gateway-instance.js';
import { RfbClient } from '../support/rfb-client.js';

const PROCESSES = ['xvfb', 'x11vnc', 'websockify', 'chromium', 'gateway', 'forwarder'];
const stateDir = mkdtempSync(path.join(tmpdir(), 'openclaw-entrypoint-test-'));
let instance: GatewayInstance | undefined;

afterAll(async () => {
  await instance?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Chromium's short-lived helpers can exit between the listing and the read; a process that is
// gone has no command line left to leak.
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw err;
  }
}

function rfbGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/websockify`, ['binary']);
    const timer = setTimeout(() => reject(new Error('no RFB greeting within 30 s')), 30_000);
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      expect(ws.protocol).toBe('binary');
      ws.close();
      resolve(data.toString('latin1'));
    });
    ws.once('error', reject);
  });
}

describe('instance entrypoint with the browser on', () => {
  it('brings up every process and records its pid', async () => {
    instance = await startInstance({ browser: true, stateDir });
    const pids = instance.pids();
    for (const name of PROCESSES) {
      expect(pids[name], name).toBeGreaterThan(0);
      expect(alive(pids[name] as number), name).toBe(true);
    }
    expect(pids.entrypoint).toBe(instance.pid);
  });

  it('gives the token to the gateway only, never on a command line', () => {
    const running = instance as GatewayInstance;
    const pids = running.pids();
    const environ = (pid: number): string => readFileSync(`/proc/${pid}/environ`, 'latin1');
    expect(environ(pids.gateway as number)).toContain(`OPENCLAW_GATEWAY_TOKEN=${running.token}`);
    for (const name of ['xvfb', 'x11vnc', 'websockify', 'chromium', 'forwarder']) {
      expect(environ(pids[name] as number), name).not.toContain(running.token);
    }
    let read = 0;
    for (const pid of running.processes()) {
      const cmdline = commandLine(pid);
      if (cmdline === undefined) continue;
      read += 1;
      expect(cmdline, String(pid)).not.toContain(running.token);
    }
    expect(read).toBeGreaterThanOrEqual(PROCESSES.length);
  });

  it('writes the gateway config the platform needs', () => {
    const config = JSON.parse(readFileSync(path.join(stateDir, 'openclaw.json'), 'utf8'));
    expect(config.gateway).toMatchObject({ mode: 'local', bind: 'loopback', port: instance?.ports.internal, auth: { mode: 'token' } });
    // WhatsApp waits for its first pairing; the node-facing plugins stay off.
    expect(config.plugins.entries.whatsapp.enabled).toBe(false);
    expect(config.plugins.entries['device-pair'].enabled).toBe(false);
    expect(config.browser.profiles.pod.cdpUrl).toBe(`http://127.0.0.1:${instance?.ports.cdp}`);
    expect(JSON.stringify(config)).not.toContain(instance?.token);
  });

  it('serves the noVNC page on the VNC port', async () => {
    const res = await fetch(`http://127.0.0.1:${instance?.vncPort}/vnc.html`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/noVNC/);
  });

  it('answers a WebSocket on the VNC port with the RFB greeting', async () => {
    expect(await rfbGreeting(instance?.vncPort as number)).toBe('RFB 003.008\n');
  });

  it('lets the gateway drive the Chromium on the display', async () => {
    const client = new GatewayClient({ url: instance?.gatewayUrl as string, token: instance?.token as string });
    try {
      const state = await client.request('browser.request', { method: 'GET', path: '/' }, { timeoutMs: 60_000 });
      expect(state).toMatchObject({ running: true, cdpReady: true });
    } finally {
      await client.close();
    }
  });

  it('shows a viewer Chromium without a warning bar about its command-line flags', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${instance?.vncPort}/websockify`, ['binary']);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      const rfb = new RfbClient(ws);
      await rfb.greeting();
      const init = await rfb.handshake();
      const rects = await rfb.framebufferUpdate(init);
      const bytesPerPixel = init.bitsPerPixel / 8;
      const pixel = (x: number, y: number): number[] => {
        const rect = rects.find((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height);
        if (!rect) throw new Error(`no pixel at ${x},${y}`);
        const at = ((y - rect.y) * rect.width + (x - rect.x)) * bytesPerPixel;
        return [...rect.pixels.subarray(at, at + 3)];
      };
      const darkIn = (top: number, bottom: number): number => {
        let count = 0;
        for (let y = top; y < bottom; y++) for (let x = 0; x < init.width; x += 2) if (pixel(x, y).some((c) => c < 0xc0)) count++;
        return count;
      };
      // The tab strip and toolbar (top 86 rows at this size) are drawn: this is Chromium's window.
      expect(darkIn(0, 86)).toBeGreaterThan(100);
      // Right below them, where the --no-sandbox warning bar's text would be, about:blank is white.
      expect(darkIn(92, 136)).toBe(0);
    } finally {
      ws.close();
    }
  });

  it('stops everything on SIGTERM, exits 0 and leaves no process behind', async () => {
    const running = instance as GatewayInstance;
    expect(running.processes().length).toBeGreaterThan(PROCESSES.length);
    const code = await running.stop();
    instance = undefined;
    expect(code).toBe(0);
    expect(running.processes()).toEqual([]);
  });

  it('takes every child down with it when the entrypoint itself is SIGKILLed', async () => {
    const running = await startInstance({ browser: true, stateDir });
    instance = running;
    process.kill(running.pid, 'SIGKILL');
    await running.exited;
    const deadline = Date.now() + 60_000;
    while (running.processes().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(running.processes()).toEqual([]);
    await running.stop();
    instance = undefined;
  });

  it('exits non-zero and stops the rest when the gateway dies', async () => {
    const running = await startInstance({ browser: true, stateDir });
    instance = running;
    const pids = running.pids();
    process.kill(pids.gateway as number, 'SIGKILL');
    const code = await running.exited;
    expect(code).not.toBe(0);
    expect(running.processes()).toEqual([]);
    expect(running.logs()).toMatch(/gateway \(pid \d+\) exited/);
    await running.stop();
    instance = undefined;
  });
});

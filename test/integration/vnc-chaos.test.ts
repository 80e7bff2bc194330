// Viewers that go away at every stage of the VNC WebSocket, over raw TCP: before the handshake is
// complete, while the manager is still connecting websockify, right after the upgrade, mid-session
// (RST, FIN without a close frame, never reading while the screen floods, a host that vanished and
// answers nothing). Afterwards the instance has no viewer, websockify has no connection from the
// manager left open, a new viewer gets the screen, and the instance counts as idle again.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startVncManager, type VncManager } from '../support/vnc-manager.js';
import { nextMessage, openWebSocket } from '../support/ws-client.js';
import { TargetRuntime, Upstream, until } from '../support/ws-peer.js';

const HEARTBEAT_MS = 500;
// Long enough that no pause inside this file trips it, short enough to see it happen at the end.
const IDLE_STOP_AFTER_S = 15;

describe('VNC viewers that leave at every stage', () => {
  const runtime = new TargetRuntime();
  const upstream = new Upstream();
  let manager: VncManager;
  let port: number;

  const request = (): string => {
    const path = `/api/instances/alice/vnc?token=${encodeURIComponent(manager.apiKey)}`;
    return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n';
  };

  /** A raw TCP connection to the manager, resolved once connected. */
  const raw = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });

  /** Sends the upgrade request and resolves once the 101 arrived. */
  const upgraded = async (): Promise<Socket> => {
    const socket = await raw();
    const answered = new Promise<void>((resolve) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        expect(text.startsWith('HTTP/1.1 101')).toBe(true);
        resolve();
      };
      socket.on('data', onData);
    });
    socket.write(request());
    await answered;
    return socket;
  };

  const openUpstream = (): number => upstream.sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED).length;

  const settled = async (): Promise<void> => {
    await until('every viewer slot back', () => (manager.vnc.sessions.count('alice') === 0 ? true : undefined), 20_000);
    await until('every websockify connection closed', () => (openUpstream() === 0 ? true : undefined), 20_000);
  };

  beforeAll(async () => {
    runtime.readyOnCreate = true;
    await runtime.create({ userId: 'alice', secrets: {} });
    runtime.vncUrls.set('alice', upstream.url);
    manager = await startVncManager({ runtime, maxViewersPerInstance: 4, heartbeatMs: HEARTBEAT_MS, idleStopAfter: `${IDLE_STOP_AFTER_S}s` });
    port = Number(new URL(manager.http.url).port);
    // websockify's side of a session: a flood of screen updates for whoever connects.
    upstream.onConnection = (ws) => {
      const frame = Buffer.alloc(64 * 1024, 7);
      const timer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 4 * 2 ** 20) ws.send(frame);
      }, 5);
      ws.on('close', () => clearInterval(timer));
      ws.on('error', () => undefined);
    };
  });

  afterAll(async () => {
    await manager?.close();
    await upstream.close();
  });

  describe('during the handshake, while websockify is being connected (200 ms)', () => {
    beforeAll(() => {
      runtime.vncTargetDelayMs = 200;
    });
    afterAll(() => {
      runtime.vncTargetDelayMs = 0;
    });

    it.each<[string, (s: Socket) => Promise<unknown>]>([
      ['connects and closes without a byte', async (s: Socket) => s.end()],
      ['half a request, then FIN', async (s: Socket) => s.end(request().slice(0, 40))],
      ['the whole request, then FIN at once', async (s: Socket) => s.end(request())],
      ['the whole request, then RST at once', async (s: Socket) => { s.write(request()); s.resetAndDestroy(); }],
      ['the whole request, RST 100 ms later', async (s: Socket) => { s.write(request()); await sleep(100); s.resetAndDestroy(); }],
      ['the whole request, FIN 100 ms later', async (s: Socket) => { s.write(request()); await sleep(100); s.end(); }],
    ])('%s, 8 times: every slot comes back', async (_name, leave) => {
      await Promise.all(Array.from({ length: 8 }, async () => leave(await raw())));
      await sleep(400);
      await settled();
    });
  });

  describe('after the upgrade', () => {
    it.each<[string, (s: Socket) => Promise<unknown>]>([
      ['RST', async (s: Socket) => s.resetAndDestroy()],
      ['FIN without a close frame', async (s: Socket) => s.end()],
      ['never reads while the screen floods, then RST', async (s: Socket) => { s.pause(); await sleep(300); s.resetAndDestroy(); }],
      ['reads slowly, then FIN', async (s: Socket) => { s.pause(); for (let i = 0; i < 3; i++) { s.read(); await sleep(100); } s.end(); }],
      ['vanishes: reads nothing and answers no ping', async (s: Socket) => { s.pause(); await sleep(HEARTBEAT_MS * 4); s.destroy(); }],
    ])('%s, 4 viewers: the slots and websockify connections come back', async (_name, leave) => {
      const sockets = await Promise.all(Array.from({ length: 4 }, upgraded));
      expect(manager.vnc.sessions.count('alice')).toBe(4);
      await Promise.all(sockets.map(leave));
      await settled();
    });

    it('drops a viewer that answers no ping without any help from the client side', async () => {
      const socket = await upgraded();
      socket.pause(); // alive at the TCP level, but it never reads, so never answers a ping
      await until('the silent viewer dropped', () => (manager.vnc.sessions.count('alice') === 0 ? true : undefined), HEARTBEAT_MS * 10);
      await settled();
      socket.destroy();
    });
  });

  it('afterwards a new viewer gets the screen, and idle stop stops the instance once nobody watches', async () => {
    const ws = await openWebSocket(manager.wsUrl(`/api/instances/alice/vnc?token=${encodeURIComponent(manager.apiKey)}`), ['binary']);
    try {
      expect((await nextMessage(ws)).data.length).toBe(64 * 1024);
      expect(manager.vnc.sessions.count('alice')).toBe(1);
    } finally {
      ws.terminate();
    }
    await settled();
    const deadline = Date.now() + (IDLE_STOP_AFTER_S + 10) * 1000;
    while ((await runtime.get('alice')).phase !== 'Stopped' && Date.now() < deadline) await sleep(250);
    expect((await runtime.get('alice')).phase).toBe('Stopped');
  }, 60_000);
});

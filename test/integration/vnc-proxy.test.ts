// The VNC WebSocket through the manager: everything refused before the upgrade, tickets, the byte
// pipe's exactness, backpressure and close codes against a ws server, and the RFB greeting through
// real websockify + x11vnc + Xvfb.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { startVncManager, type VncManager } from '../support/vnc-manager.js';
import { startVncStack, type VncStack } from '../support/vnc-stack.js';
import { closed, expectRefusal, nextMessage, openWebSocket } from '../support/ws-client.js';
import { TargetRuntime, Upstream, receiveBytes, sendRandom, until } from '../support/ws-peer.js';

describe('VNC WebSocket through the manager', () => {
  const runtime = new TargetRuntime();
  const upstream = new Upstream();
  let clock = Date.parse('2026-11-26T12:00:00Z');
  let manager: VncManager;
  const open: WebSocket[] = [];
  const vncPath = (userId: string, query: string): string => manager.wsUrl(`/api/instances/${userId}/vnc?${query}`);
  const withToken = (userId: string): string => vncPath(userId, `token=${encodeURIComponent(manager.apiKey)}`);
  const connect = async (url: string, protocols: readonly string[] = ['binary']): Promise<WebSocket> => {
    const ws = await openWebSocket(url, protocols);
    open.push(ws);
    return ws;
  };
  const ticketFor = async (userId: string): Promise<{ url: string; viewerUrl: string; expiresAt: string }> => {
    const res = await manager.http.request('POST', `/api/instances/${userId}/vnc/ticket`, { key: manager.apiKey });
    expect(res.status).toBe(200);
    return res.body as { url: string; viewerUrl: string; expiresAt: string };
  };

  beforeAll(async () => {
    runtime.readyOnCreate = true;
    await runtime.create({ userId: 'alice', secrets: {} });
    await runtime.create({ userId: 'bob', secrets: {} });
    runtime.vncUrls.set('alice', upstream.url);
    runtime.vncUrls.set('bob', upstream.url);
    manager = await startVncManager({ runtime, now: () => clock, highWaterMark: 256 * 1024 });
  });

  afterEach(async () => {
    for (const ws of open.splice(0)) ws.terminate();
    runtime.setReady('alice', true);
    await until('sessions to end', () => (manager.vnc.sessions.count('alice') === 0 ? true : undefined));
  });

  afterAll(async () => {
    await manager.close();
    await upstream.close();
  });

  describe('refused before the upgrade', () => {
    it.each([
      ['no token', 'x=1', 401, 'VNC_AUTH_REQUIRED'],
      ['an empty token', 'token=', 401, 'VNC_AUTH_REQUIRED'],
      ['a wrong token', 'token=not-the-key-0123456789', 401, 'VNC_AUTH_REQUIRED'],
      ['a forged ticket', `ticket=${'0'.repeat(8)}.${'A'.repeat(22)}.${'B'.repeat(43)}`, 401, 'VNC_TICKET_INVALID'],
      ['a malformed ticket', 'ticket=garbage', 401, 'VNC_TICKET_INVALID'],
    ])('%s: %i', async (_name, query, status, code) => {
      const before = upstream.sockets.length;
      const refusal = await expectRefusal(vncPath('alice', query));
      expect(refusal.status).toBe(status);
      expect(refusal.body).toMatchObject({ code });
      expect(JSON.stringify(refusal.body)).not.toContain(manager.apiKey);
      expect(upstream.sockets.length).toBe(before);
    });

    it('unknown user: 404', async () => {
      const refusal = await expectRefusal(withToken('nobody'));
      expect(refusal).toMatchObject({ status: 404, body: { code: 'INSTANCE_NOT_FOUND' } });
    });

    it('invalid user id: 400', async () => {
      const refusal = await expectRefusal(withToken('Not_Valid'));
      expect(refusal.status).toBe(400);
    });

    it('instance not ready: 503 with Retry-After', async () => {
      runtime.setReady('alice', false);
      const refusal = await expectRefusal(withToken('alice'));
      expect(refusal).toMatchObject({ status: 503, body: { code: 'INSTANCE_NOT_READY' } });
      expect(refusal.headers['retry-after']).toBeDefined();
    });

    it('websockify unreachable: 503', async () => {
      runtime.vncUrls.set('bob', 'ws://127.0.0.1:1');
      try {
        const refusal = await expectRefusal(withToken('bob'));
        expect(refusal).toMatchObject({ status: 503, body: { code: 'VNC_UNAVAILABLE' } });
      } finally {
        runtime.vncUrls.set('bob', upstream.url);
      }
    });

    it('more viewers than the limit: 429, and a slot frees when a viewer leaves', async () => {
      const limit = manager.vnc.maxViewersPerInstance;
      expect(limit).toBe(4);
      const viewers = [];
      for (let i = 0; i < limit; i += 1) viewers.push(await connect(withToken('alice')));
      const refusal = await expectRefusal(withToken('alice'));
      expect(refusal).toMatchObject({ status: 429, body: { code: 'VNC_TOO_MANY_VIEWERS' } });
      // Another instance has its own slots.
      await connect(withToken('bob'));
      viewers[0]?.close();
      await until('a free slot', () => (manager.vnc.sessions.count('alice') < limit ? true : undefined));
      await connect(withToken('alice'));
    });

    it('a plain GET of the WebSocket path: 426', async () => {
      const res = await manager.http.request('GET', '/api/instances/alice/vnc', { key: manager.apiKey });
      expect(res.status).toBe(426);
    });
  });

  describe('tickets', () => {
    it('POST .../vnc/ticket needs the Bearer key and a known instance', async () => {
      expect((await manager.http.request('POST', '/api/instances/alice/vnc/ticket')).status).toBe(401);
      expect((await manager.http.request('POST', '/api/instances/nobody/vnc/ticket', { key: manager.apiKey })).status).toBe(404);
    });

    it('answers relative WebSocket and viewer URLs valid for 60 s', async () => {
      const ticket = await ticketFor('alice');
      expect(ticket.url).toMatch(/^\/api\/instances\/alice\/vnc\?ticket=[\w.-]+$/);
      expect(ticket.viewerUrl).toBe(ticket.url.replace('/api/instances/alice/vnc', '/viewer/alice'));
      expect(Date.parse(ticket.expiresAt) - clock).toBe(60_000);
    });

    it('opens the screen once; the second use is refused', async () => {
      const { url } = await ticketFor('alice');
      const ws = await connect(manager.wsUrl(url));
      expect(ws.protocol).toBe('binary');
      const again = await expectRefusal(manager.wsUrl(url));
      expect(again).toMatchObject({ status: 401, body: { code: 'VNC_TICKET_USED' } });
    });

    it('is bound to its user', async () => {
      const { url } = await ticketFor('alice');
      const refusal = await expectRefusal(manager.wsUrl(url.replace('/alice/', '/bob/')));
      expect(refusal).toMatchObject({ status: 401, body: { code: 'VNC_TICKET_INVALID' } });
    });

    it('expires after 60 s', async () => {
      const { url } = await ticketFor('alice');
      clock += 60_000;
      const refusal = await expectRefusal(manager.wsUrl(url));
      expect(refusal).toMatchObject({ status: 401, body: { code: 'VNC_TICKET_EXPIRED' } });
    });

    it('is still valid at 59 s', async () => {
      const { url } = await ticketFor('alice');
      clock += 59_000;
      await connect(manager.wsUrl(url));
    });

    it('is not used up by a refusal after authentication (503) nor by loading the viewer page', async () => {
      const { url, viewerUrl } = await ticketFor('alice');
      for (let i = 0; i < 2; i += 1) {
        const page = await manager.http.request('GET', viewerUrl);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      }
      runtime.setReady('alice', false);
      expect((await expectRefusal(manager.wsUrl(url))).status).toBe(503);
      runtime.setReady('alice', true);
      await connect(manager.wsUrl(url));
    });
  });

  describe('the pipe', () => {
    it('negotiates the subprotocol the client offered and websockify chose', async () => {
      const before = upstream.offered.length;
      const ws = await connect(withToken('alice'), ['binary']);
      expect(ws.protocol).toBe('binary');
      expect(upstream.offered[before]).toEqual(['binary']);
      const plain = await connect(withToken('alice'), []);
      expect(plain.protocol).toBe('');
      expect(upstream.offered[before + 1]).toEqual([]);
    });

    it('carries 32 MiB of random bytes each way, byte-exact, at the same time', async () => {
      const total = 32 * 1024 * 1024;
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      const downstream = receiveBytes(client, total);
      const upstreamReceived = receiveBytes(server, total);
      const sentDown = sendRandom(server, total, 64 * 1024);
      const sentUp = sendRandom(client, total, 61 * 1024 + 7);
      expect(await downstream).toBe(sentDown);
      expect(await upstreamReceived).toBe(sentUp);
      // Counted on the wire: the payload and each frame's header (at most 14 bytes).
      const stats = manager.vnc.sessions.list('alice')[0]?.stats;
      for (const bytes of [stats?.clientToUpstreamBytes ?? 0, stats?.upstreamToClientBytes ?? 0]) {
        expect(bytes).toBeGreaterThanOrEqual(total);
        expect(bytes).toBeLessThan(total + 14 * Math.ceil(total / (61 * 1024)));
      }
    });

    it('keeps text frames text and binary frames binary', async () => {
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      const atServer = nextMessage(server);
      client.send('hello');
      expect(await atServer).toEqual({ data: Buffer.from('hello'), isBinary: false });
      const atClient = nextMessage(client);
      server.send(Buffer.from([0, 1, 2, 255]), { binary: true });
      expect(await atClient).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
    });

    it('a viewer that stops reading pauses websockify instead of growing the manager', async () => {
      const highWaterMark = 256 * 1024;
      const total = 64 * 1024 * 1024;
      const chunk = 64 * 1024;
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      client.pause();
      const sent = sendRandom(server, total, chunk);
      const stats = () => manager.vnc.sessions.list('alice')[0]?.stats;
      await until('the proxy to pause reading websockify', () => (stats()?.upstreamPaused ? true : undefined));
      // Let the flood press on for a while: what the manager holds must stay bounded.
      const bound = highWaterMark + 4 * chunk;
      let maxBuffered = 0;
      for (let i = 0; i < 20; i += 1) {
        await sleep(100);
        const now = stats();
        maxBuffered = Math.max(maxBuffered, now?.clientBuffered ?? 0);
        expect(now?.upstreamPaused).toBe(true);
      }
      expect(maxBuffered).toBeLessThanOrEqual(bound);
      // The rest of the flood waits at the sender, not in the manager.
      expect(stats()?.upstreamToClientBytes ?? total).toBeLessThan(total / 4);
      expect(server.bufferedAmount).toBeGreaterThan(total / 2);
      // Reading again drains everything, in order.
      const received = receiveBytes(client, total);
      client.resume();
      expect(await received).toBe(sent);
      await until('the proxy to resume', () => (stats()?.upstreamPaused === false ? true : undefined));
    });

    it.each([
      ['the viewer', 4001, 'bye', 4001],
      ['the viewer, without a code (passed on as none: 1005)', undefined, '', 1005],
      ['websockify', 4002, 'gone', 4002],
      ['websockify, with 1000', 1000, 'done', 1000],
    ])('closing by %s (%s) closes the other side with %i', async (who, code, reason, expected) => {
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      const [closer, other] = who.startsWith('the viewer') ? [client, server] : [server, client];
      const otherClosed = closed(other);
      if (code === undefined) closer.close();
      else closer.close(code, reason);
      expect(await otherClosed).toEqual({ code: expected, reason });
    });

    it('a connection lost on one side (1006) closes the other with 1011', async () => {
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      const clientClosed = closed(client);
      server.terminate();
      expect((await clientClosed).code).toBe(1011);
      const far2 = upstream.nextConnection();
      const client2 = await connect(withToken('alice'));
      const server2 = await far2;
      const serverClosed = closed(server2);
      client2.terminate();
      expect((await serverClosed).code).toBe(1011);
    });

    it('hands websockify the viewer\'s handshake without its credentials', async () => {
      const far = upstream.nextConnection();
      await connect(withToken('alice'), ['binary', 'base64']);
      await far;
      const seen = upstream.requests.at(-1);
      expect(seen?.url).toBe('/');
      expect(seen?.headers.authorization).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(manager.apiKey);
      expect(JSON.stringify(seen)).not.toContain('token');
      expect(seen?.headers['sec-websocket-protocol']).toBe('binary, base64');
    });

    it('passes frames through as they are: a fragmented message, and a ping and its pong, both ways', async () => {
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      const message = nextMessage(client);
      server.send(Buffer.from('first half, '), { binary: true, fin: false });
      server.send(Buffer.from('second half'), { binary: true, fin: true });
      expect(await message).toEqual({ data: Buffer.from('first half, second half'), isBinary: true });
      const ponged = new Promise<Buffer>((resolve) => server.once('pong', resolve));
      const pinged = new Promise<Buffer>((resolve) => client.once('ping', resolve));
      server.ping(Buffer.from('are you there'));
      expect(await pinged).toEqual(Buffer.from('are you there'));
      expect(await ponged).toEqual(Buffer.from('are you there'));
    });

    it('puts its own pings between frames, never inside one, while the screen streams', async () => {
      const quick = await startVncManager({ runtime, heartbeatMs: 50 });
      try {
        const far = upstream.nextConnection();
        const client = await openWebSocket(quick.wsUrl(`/api/instances/alice/vnc?token=${encodeURIComponent(quick.apiKey)}`), ['binary']);
        open.push(client);
        const server = await far;
        let pings = 0;
        client.on('ping', () => (pings += 1));
        const total = 32 * 1024 * 1024;
        const received = receiveBytes(client, total);
        const sent = sendRandom(server, total, 200 * 1024 + 3);
        expect(await received).toBe(sent);
        await until('a few pings', () => (pings >= 3 ? true : undefined));
        expect(quick.vnc.sessions.count('alice')).toBe(1);
      } finally {
        for (const ws of open.splice(0)) ws.terminate();
        await until('sessions to end', () => (quick.vnc.sessions.count('alice') === 0 ? true : undefined));
        await quick.close();
      }
    });

    it('records the instance\'s last activity', async () => {
      const far = upstream.nextConnection();
      const client = await connect(withToken('alice'));
      const server = await far;
      clock += 5_000;
      const atServer = nextMessage(server);
      client.send(Buffer.from('key'));
      await atServer;
      expect(manager.vnc.activity.lastActivity('alice')?.getTime()).toBe(clock);
      expect(manager.vnc.activity.idleMs('alice')).toBe(0);
      const status = await manager.http.request('GET', '/api/instances/alice', { key: manager.apiKey });
      expect((status.body as { vnc: unknown }).vnc).toEqual({ viewers: 1, lastActivity: new Date(clock).toISOString() });
      const list = await manager.http.request('GET', '/api/instances', { key: manager.apiKey });
      const listed = (list.body as { instances: { userId: string; vnc: unknown }[] }).instances.find((i) => i.userId === 'alice');
      expect(listed?.vnc).toEqual({ viewers: 1, lastActivity: new Date(clock).toISOString() });
    });
  });

  describe('through real websockify, x11vnc and Xvfb', () => {
    let stack: VncStack;
    beforeAll(async () => {
      stack = await startVncStack();
      await runtime.create({ userId: 'carol', secrets: {} });
      runtime.vncUrls.set('carol', stack.url);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('the RFB greeting arrives byte-exact with the binary subprotocol', async () => {
      let resolveGreeting: (message: { data: Buffer; isBinary: boolean }) => void = () => undefined;
      const greeting = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => {
        resolveGreeting = resolve;
      });
      const ws = await openWebSocket(withToken('carol'), ['binary'], (data, isBinary) => resolveGreeting({ data, isBinary }));
      open.push(ws);
      expect(ws.protocol).toBe('binary');
      const { data, isBinary } = await greeting;
      expect(isBinary).toBe(true);
      expect(data.equals(Buffer.from('RFB 003.008\n', 'latin1'))).toBe(true);
    });
  });
});

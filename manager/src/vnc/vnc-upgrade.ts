// GET /api/instances/:userId/vnc (WebSocket). Koa never sees upgrades, so this listens on the HTTP
// server's 'upgrade' event. Everything is decided before the upgrade, answering plain HTTP errors:
// 401 without a valid token or ticket, 400 bad user id, 404 unknown instance, 409 stopped, 503 not
// ready or VNC unreachable, 429 too many viewers. Then the viewer's handshake is replayed to
// websockify over TCP (its key and subprotocols; never its credentials), websockify's 101 is passed
// back, and from there the two sockets are spliced: WebSocket frames go through untouched.
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { apiKeyMatches } from '../auth/api-key.js';
import type { AuthFailureLimiter } from '../auth/failure-limiter.js';
import { InvalidRequest, RouteNotFound, TooManyAuthFailures } from '../errors/http-error.js';
import type { Logger } from '../logger.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { assertServing } from '../runtime/serving-guard.js';
import { assertUserId } from '../names/user-id.js';
import { VncAuthenticationRequired, VncTooManyViewers, VncUpstreamUnavailable } from './vnc-errors.js';
import { spliceVnc, type VncPipe } from './vnc-proxy.js';
import { parseVncRequest, rejectionResponse, type VncRequest } from './vnc-request.js';
import type { VncServices } from './vnc-services.js';

export interface VncUpgradeDeps {
  readonly apiKey: string;
  readonly runtime: Pick<InstanceRuntime, 'get' | 'vncTarget'>;
  readonly vnc: VncServices;
  readonly logger: Logger;
  /** Throttles repeated bad tokens/tickets per client address (default: none). */
  readonly limiter?: AuthFailureLimiter;
  /** Take the client address from X-Forwarded-For (default false). */
  readonly trustProxy?: boolean;
  /** Pause a side once the other buffers this many bytes (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Time allowed to open the websockify connection (default 10 s). */
  readonly upstreamTimeoutMs?: number;
  /** How often a viewer is pinged; one that has not answered the last ping by the next is dropped (default 30 s). */
  readonly heartbeatMs?: number;
}

export interface VncUpgradeHandle {
  /** Stops serving upgrades and closes every open VNC session with 1001 (going away). */
  close(): void;
}

/** Largest HTTP response head websockify may send. */
const MAX_RESPONSE_HEAD = 16 * 1024;
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return (trustProxy && first) || req.socket.remoteAddress || 'unknown';
}

interface Upstream {
  readonly socket: Socket;
  /** The subprotocol websockify chose ('' for none). */
  readonly protocol: string;
  readonly accept: string;
  /** Bytes websockify sent right after its 101 (e.g. the RFB greeting). */
  readonly early: Buffer;
}

/**
 * Opens TCP to websockify at `url` and performs the viewer's handshake there with the viewer's own
 * key, so websockify's Sec-WebSocket-Accept is the one the viewer expects.
 */
function connectUpstream(url: string, key: string, protocols: readonly string[], timeoutMs: number): Promise<Upstream> {
  const target = new URL(url);
  const port = Number(target.port || 80);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port, noDelay: true });
    let head = Buffer.alloc(0);
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`websockify did not answer the handshake within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    socket.once('connect', () => {
      const lines = [
        `GET ${target.pathname}${target.search} HTTP/1.1`,
        `Host: ${target.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) fail(new Error('websockify sent an oversized handshake answer'));
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const [status = '', ...fields] = head.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map(fields.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const expected = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
      if (!/^HTTP\/1\.1 101\b/.test(status)) return fail(new Error(`websockify answered the handshake with "${status}"`));
      if (headers.get('sec-websocket-accept') !== expected) return fail(new Error('websockify answered the handshake with a wrong Sec-WebSocket-Accept'));
      resolve({ socket, protocol: headers.get('sec-websocket-protocol') ?? '', accept: expected, early: head.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

/** The 101 the viewer gets: websockify's answer, restated with only what the handshake needs. */
function switchingProtocols(upstream: Upstream): string {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${upstream.accept}`,
    ...(upstream.protocol ? [`Sec-WebSocket-Protocol: ${upstream.protocol}`] : []),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Serves VNC WebSockets on `server`. main.ts calls this next to listen(). */
export function attachVncUpgrade(server: Server, deps: VncUpgradeDeps): VncUpgradeHandle {
  const { vnc, logger } = deps;
  const pipes = new Set<VncPipe>();

  const authenticate = (request: VncRequest, address: string): void => {
    const retryAfter = deps.limiter?.retryAfterSeconds(address) ?? 0;
    if (retryAfter > 0) throw new TooManyAuthFailures(retryAfter);
    try {
      if (request.token !== undefined) {
        if (!apiKeyMatches(deps.apiKey, request.token)) throw new VncAuthenticationRequired();
      } else if (request.ticket !== undefined) {
        vnc.tickets.verify(request.ticket, request.userId);
      } else {
        throw new VncAuthenticationRequired();
      }
    } catch (err) {
      deps.limiter?.recordFailure(address);
      throw err;
    }
  };

  const serve = async (req: IncomingMessage, socket: Duplex, head: Buffer, request: VncRequest, handOver: () => void): Promise<void> => {
    if (!isWebSocketHandshake(req)) throw new InvalidRequest('Expected a WebSocket handshake (GET, Upgrade: websocket, Sec-WebSocket-Version: 13)');
    const address = clientAddress(req, deps.trustProxy ?? false);
    authenticate(request, address);
    const userId = assertUserId(request.userId);
    assertServing(await deps.runtime.get(userId));
    const session = vnc.sessions.tryAcquire(userId, vnc.maxViewersPerInstance);
    if (!session) throw new VncTooManyViewers(userId, vnc.maxViewersPerInstance);
    let upstream: Upstream | undefined;
    try {
      const target = await deps.runtime.vncTarget(userId);
      upstream = await connectUpstream(target.url, req.headers['sec-websocket-key'] as string, request.protocols, deps.upstreamTimeoutMs ?? 10_000)
        .catch((cause: unknown) => {
          throw new VncUpstreamUnavailable(userId, { cause });
        });
      if (socket.destroyed || !socket.writable) throw new Error('client went away while websockify was being connected');
      // Used up only now, so a refused attempt (503, 429) leaves the ticket for a retry.
      if (request.token === undefined && request.ticket !== undefined) vnc.tickets.redeem(request.ticket, userId);
      handOver();
      socket.write(switchingProtocols(upstream));
      vnc.activity.touch(userId);
      const pipe = spliceVnc(socket, upstream.socket, {
        early: { toClient: upstream.early, toUpstream: head },
        ...(deps.highWaterMark === undefined ? {} : { highWaterMark: deps.highWaterMark }),
        ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
        onActivity: () => vnc.activity.touch(userId),
        onClose: (closed) => {
          pipes.delete(pipe);
          session.release();
          vnc.activity.touch(userId);
          logger.info({ userId, ...closed, ...pipe.stats() }, 'vnc session closed');
        },
      });
      pipes.add(pipe);
      session.pipe = pipe;
      logger.info({ userId, address, protocol: upstream.protocol || undefined, viewers: vnc.sessions.count(userId) }, 'vnc session opened');
    } catch (err) {
      session.release();
      upstream?.socket.destroy();
      throw err;
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const request = parseVncRequest(req.url, req.headers['sec-websocket-protocol'], req.headers.authorization);
    if (!request) {
      // Another upgrade listener may own this path; refuse only when nobody else does.
      if (server.listenerCount('upgrade') === 1) reject(socket, new RouteNotFound(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname));
      return;
    }
    const onSocketError = (): void => {
      socket.destroy();
    };
    socket.on('error', onSocketError);
    serve(req, socket, head, request, () => socket.off('error', onSocketError)).catch((err: unknown) => {
      if (socket.destroyed) return;
      const status = (err as { status?: number }).status ?? 500;
      if (status >= 500) logger.warn({ err, userId: request.userId }, 'vnc upgrade failed');
      else logger.info({ userId: request.userId, status }, 'vnc upgrade refused');
      reject(socket, err);
    });
  };

  server.on('upgrade', onUpgrade);
  return {
    close: () => {
      server.off('upgrade', onUpgrade);
      for (const pipe of pipes) pipe.close(1001);
    },
  };
}

function isWebSocketHandshake(req: IncomingMessage): boolean {
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    typeof req.headers['sec-websocket-key'] === 'string' &&
    req.headers['sec-websocket-version'] === '13'
  );
}

function reject(socket: Duplex, err: unknown): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rejectionResponse(err));
}

// GET /api/instances/:userId/vnc (WebSocket). Koa never sees upgrades, so this listens on the HTTP
// server's 'upgrade' event. Everything is decided before the upgrade, answering plain HTTP errors:
// 401 without a valid token or ticket, 400 bad user id, 404 unknown instance, 409 stopped, 503 not
// ready or VNC unreachable, 429 too many viewers. Then websockify is connected with the client's subprotocols,
// the client is answered with the one websockify chose, and the two are piped.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { apiKeyMatches } from '../auth/api-key.js';
import type { AuthFailureLimiter } from '../auth/failure-limiter.js';
import { InvalidRequest, RouteNotFound, TooManyAuthFailures } from '../errors/http-error.js';
import type { Logger } from '../logger.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { assertServing } from '../runtime/serving-guard.js';
import { assertUserId } from '../validation/user-id.js';
import { VncAuthenticationRequired, VncTooManyViewers, VncUpstreamUnavailable } from './vnc-errors.js';
import { pipeVnc } from './vnc-proxy.js';
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
  /** Largest WebSocket message accepted from either side (default 16 MiB; websockify sends <= 64 KiB). */
  readonly maxPayload?: number;
  /** Time allowed to open the websockify connection (default 10 s). */
  readonly upstreamTimeoutMs?: number;
  /** How often a viewer is pinged; one that has not answered the last ping by the next is dropped (default 30 s). */
  readonly heartbeatMs?: number;
}

export interface VncUpgradeHandle {
  /** Stops serving upgrades and closes every open VNC session with 1001 (going away). */
  close(): void;
}

const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return (trustProxy && first) || req.socket.remoteAddress || 'unknown';
}

/** Connects to websockify; resolves once open, paused, with messages that arrived early kept in order. */
function connectUpstream(url: string, protocols: readonly string[], timeoutMs: number, maxPayload: number) {
  return new Promise<{ ws: WebSocket; early: Array<[RawData, boolean]> }>((resolve, reject) => {
    const ws = new WebSocket(url, [...protocols], { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload });
    const early: Array<[RawData, boolean]> = [];
    ws.on('message', (data: RawData, isBinary: boolean) => early.push([data, isBinary]));
    ws.once('open', () => {
      ws.pause();
      ws.off('error', reject);
      // Until the pipe listens: an error then ends in 'close', which the pipe or the caller handles.
      ws.on('error', () => undefined);
      resolve({ ws, early });
    });
    ws.once('error', reject);
  });
}

/** Serves VNC WebSockets on `server`. main.ts calls this next to listen(). */
export function attachVncUpgrade(server: Server, deps: VncUpgradeDeps): VncUpgradeHandle {
  const { vnc, logger } = deps;
  const maxPayload = deps.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload,
    handleProtocols: (_offered, req) => chosenProtocol.get(req) || false,
  });

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
    let upstream: WebSocket | undefined;
    try {
      const target = await deps.runtime.vncTarget(userId);
      const connected = await connectUpstream(target.url, request.protocols, deps.upstreamTimeoutMs ?? 10_000, maxPayload)
        .catch((cause: unknown) => {
          throw new VncUpstreamUnavailable(userId, { cause });
        });
      upstream = connected.ws;
      if (socket.destroyed) throw new Error('client went away while websockify was being connected');
      // Used up only now, so a refused attempt (503, 429) leaves the ticket for a retry.
      if (request.token === undefined && request.ticket !== undefined) vnc.tickets.redeem(request.ticket, userId);
      chosenProtocol.set(req, upstream.protocol);
      const up = upstream;
      handOver();
      // ws drops a socket that is no longer readable and writable (a client that sent FIN or went
      // away meanwhile) without calling back: the slot and websockify's connection go with it.
      const abandoned = (): void => {
        session.release();
        up.terminate();
      };
      socket.once('close', abandoned);
      wss.handleUpgrade(req, socket, head, (client) => {
        socket.off('close', abandoned);
        for (const [data, isBinary] of connected.early) client.send(data, { binary: isBinary });
        up.removeAllListeners('message');
        vnc.activity.touch(userId);
        session.pipe = pipeVnc(client, up, {
          ...(deps.highWaterMark === undefined ? {} : { highWaterMark: deps.highWaterMark }),
          ...(deps.heartbeatMs === undefined ? {} : { heartbeatMs: deps.heartbeatMs }),
          onActivity: () => vnc.activity.touch(userId),
          onClose: (closed) => {
            session.release();
            vnc.activity.touch(userId);
            logger.info({ userId, ...closed, ...session.pipe?.stats() }, 'vnc session closed');
          },
        });
        logger.info({ userId, address, protocol: up.protocol || undefined, viewers: vnc.sessions.count(userId) }, 'vnc session opened');
      });
    } catch (err) {
      session.release();
      upstream?.terminate();
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
      for (const client of wss.clients) client.close(1001, 'manager shutting down');
      wss.close();
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

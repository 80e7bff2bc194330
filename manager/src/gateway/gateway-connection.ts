// One authenticated WebSocket to a gateway, from handshake to close: correlates responses to
// requests by id (they may come out of order), forwards events, and watches liveness. It never
// reconnects; the next call through GatewayClient opens a new GatewayConnection.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { isSilent } from './liveness.js';
import { GatewayAborted, GatewayError, GatewayTimeout, GatewayUnavailable, gatewayErrorFrom } from './gateway-errors.js';
import { type ConnectParams, type EventFrame, type HelloOk, MalformedFrame, parseFrame, parseHelloOk } from './protocol.js';

/** Upper bound for a frame before hello-ok says otherwise (the gateway's own cap is 25 MiB). */
const MAX_PAYLOAD = 32 * 1024 * 1024;

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ConnectionHandlers {
  readonly onEvent: (frame: EventFrame) => void;
  /** Called once when an established connection ends for any reason but our own close(). */
  readonly onLost: (error: GatewayUnavailable) => void;
}

interface Pending {
  readonly method: string;
  readonly resolve: (payload: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

const describe = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class GatewayConnection {
  private readonly pending = new Map<string, Pending>();
  private readonly idPrefix = randomBytes(4).toString('hex');
  private nextId = 0;
  private lastSeenAt = Date.now();
  private liveness?: ReturnType<typeof setInterval>;
  private ended = false;
  private handlers?: ConnectionHandlers;
  hello?: HelloOk;

  private constructor(
    private readonly ws: WebSocket,
    private readonly where: string,
  ) {}

  /** Opens a socket, answers the challenge with `connect` and resolves with the connection once hello-ok arrives. */
  static open(url: string, params: ConnectParams, timeoutMs: number, handlers: ConnectionHandlers): Promise<GatewayConnection> {
    const where = describe(url);
    const ws = new WebSocket(url, { maxPayload: MAX_PAYLOAD, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const conn = new GatewayConnection(ws, where);
    return new Promise<GatewayConnection>((resolve, reject) => {
      const timer = setTimeout(() => fail(new GatewayTimeout('TIMEOUT', `no hello from the gateway at ${where} within ${timeoutMs} ms`, { method: 'connect' })), timeoutMs);
      const fail = (error: GatewayError): void => {
        clearTimeout(timer);
        conn.end(error);
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
        reject(error);
      };
      ws.on('error', (err) => fail(new GatewayUnavailable('UNAVAILABLE', `cannot reach the gateway at ${where}: ${err.message}`, { cause: err, retryable: true })));
      ws.on('close', (code) => fail(new GatewayUnavailable('UNAVAILABLE', `the gateway at ${where} closed the connection during the handshake (${code})`, { retryable: true })));
      conn.attach();
      conn.onFirstEvent = (frame) => {
        if (frame.event !== 'connect.challenge') return;
        conn.call('connect', params, { timeoutMs }).then((payload) => {
          clearTimeout(timer);
          ws.removeAllListeners('error').removeAllListeners('close');
          conn.hello = parseHelloOk(payload);
          conn.handlers = handlers;
          conn.watch(conn.hello.policy.tickIntervalMs);
          resolve(conn);
        }, (err: unknown) => fail(err instanceof GatewayError ? err : new GatewayUnavailable('UNAVAILABLE', String(err), { cause: err })));
      };
    });
  }

  private onFirstEvent?: (frame: EventFrame) => void;

  get alive(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends one request; resolves with the payload or rejects with a typed GatewayError. */
  call(method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
    if (!this.alive) return Promise.reject(new GatewayUnavailable('UNAVAILABLE', `not connected to the gateway at ${this.where}`, { method, retryable: true }));
    if (options.signal?.aborted) return Promise.reject(new GatewayAborted('ABORTED', `${method} was aborted`, { method, cause: options.signal.reason }));
    const id = `${this.idPrefix}-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => settle(new GatewayTimeout('TIMEOUT', `${method} got no answer within ${timeoutMs} ms`, { method, retryable: true })), timeoutMs);
      const onAbort = (): void => settle(new GatewayAborted('ABORTED', `${method} was aborted`, { method, cause: options.signal?.reason }));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const settle = (error: unknown): void => {
        cleanup();
        reject(error);
      };
      this.pending.set(id, { method, resolve, reject, cleanup });
      this.ws.send(JSON.stringify({ type: 'req', id, method, ...(params !== undefined ? { params } : {}) }), (err) => {
        if (err) settle(new GatewayUnavailable('UNAVAILABLE', `sending ${method} failed: ${err.message}`, { method, cause: err, retryable: true }));
      });
    });
  }

  /** Closes the socket; pending calls reject with GatewayUnavailable. */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) {
      this.end(new GatewayUnavailable('UNAVAILABLE', 'the gateway connection was closed by the client'));
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 2_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.end(new GatewayUnavailable('UNAVAILABLE', 'the gateway connection was closed by the client'));
      this.ws.close(1000);
    });
  }

  private attach(): void {
    const seen = (): void => {
      this.lastSeenAt = Date.now();
    };
    this.ws.on('ping', seen).on('pong', seen);
    this.ws.on('message', (data, isBinary) => {
      seen();
      if (isBinary) return;
      let frame;
      try {
        frame = parseFrame(data.toString());
      } catch (err) {
        if (err instanceof MalformedFrame) this.lose(`the gateway at ${this.where} sent a ${err.message}`);
        return;
      }
      if (frame.type === 'event') {
        if (this.handlers) this.handlers.onEvent(frame);
        else this.onFirstEvent?.(frame);
        return;
      }
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      pending.cleanup();
      if (frame.ok) pending.resolve(frame.payload);
      else if (frame.error) pending.reject(gatewayErrorFrom(frame.error, pending.method));
    });
  }

  private watch(tickIntervalMs: number): void {
    this.ws.on('close', (code, reason) => this.lose(`the gateway at ${this.where} closed the connection (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    this.ws.on('error', (err) => this.lose(`the connection to the gateway at ${this.where} failed: ${err.message}`));
    // Our pings make the gateway answer even when it has nothing to say between ticks.
    const every = Math.max(1_000, Math.floor(tickIntervalMs / 2));
    this.liveness = setInterval(() => {
      if (isSilent(this.lastSeenAt, Date.now(), tickIntervalMs)) {
        this.lose(`the gateway at ${this.where} was silent for ${2 * tickIntervalMs} ms`);
        this.ws.terminate();
        return;
      }
      if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
    }, every);
    this.liveness.unref();
  }

  private lose(message: string): void {
    if (this.ended) return;
    const error = new GatewayUnavailable('UNAVAILABLE', message, { retryable: true });
    this.end(error);
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    this.handlers?.onLost(error);
  }

  private end(error: GatewayError): void {
    if (this.ended) return;
    this.ended = true;
    if (this.liveness) clearInterval(this.liveness);
    for (const pending of [...this.pending.values()]) {
      pending.cleanup();
      pending.reject(new GatewayUnavailable('UNAVAILABLE', `${pending.method}: ${error.message}`, { method: pending.method, retryable: true, cause: error }));
    }
  }
}

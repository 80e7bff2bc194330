// A long-lived client of one OpenClaw gateway: connects (retrying the gateway's UNAVAILABLE while it
// starts up), runs many concurrent requests over one socket, emits the gateway's events, and after
// a lost connection reconnects with backoff. Pending calls of a lost connection reject at once.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import packageJson from '../../../package.json' with { type: 'json' };
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from './backoff.js';
import { GatewayConnection } from './gateway-connection.js';
import { GatewayAuthFailed, GatewayProtocolMismatch, GatewayUnavailable } from './gateway-errors.js';
import { type EventFrame, type HelloOk, buildConnectParams } from './protocol.js';

export interface GatewayClientOptions {
  /** ws:// URL of the gateway port, e.g. `ws://127.0.0.1:18789`. */
  readonly url: string;
  readonly token: string;
  /** Scopes to ask for (default DEFAULT_SCOPES: read, write, admin, pairing, approvals). */
  readonly scopes?: readonly string[];
  /** Budget of one connect(), including retries of UNAVAILABLE during gateway start-up (default 30 s). */
  readonly connectTimeoutMs?: number;
  /** Default timeout of one request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Reconnect after an established connection is lost: true (default), false, or backoff tuning. */
  readonly reconnect?: boolean | BackoffOptions;
  /** Sent as client.version (default: this package's version). */
  readonly clientVersion?: string;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface GatewayClientEvents {
  /** Every event frame the gateway sends after the handshake (tick, health, presence...). */
  event: [EventFrame];
  /** The connection ended (lost, or close() was called); reconnecting may follow. */
  close: [GatewayUnavailable];
  /** A lost connection was re-established. */
  reconnect: [HelloOk];
}

const where = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class GatewayClient extends EventEmitter<GatewayClientEvents> {
  private conn?: GatewayConnection;
  private connecting?: Promise<HelloOk>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private retryAt = 0;
  private closed = false;
  private readonly backoff: BackoffOptions | undefined;

  constructor(private readonly options: GatewayClientOptions) {
    super();
    this.backoff = options.reconnect === false ? undefined : options.reconnect === true || options.reconnect === undefined ? DEFAULT_BACKOFF : options.reconnect;
  }

  get connected(): boolean {
    return this.conn?.alive === true;
  }

  /** The hello-ok of the current connection, if any. */
  get hello(): HelloOk | undefined {
    return this.conn?.alive ? this.conn.hello : undefined;
  }

  /** Connects (or joins the connect in flight); GatewayAuthFailed / GatewayProtocolMismatch / GatewayUnavailable / GatewayTimeout. */
  connect(): Promise<HelloOk> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.conn?.alive && this.conn.hello) return Promise.resolve(this.conn.hello);
    this.connecting ??= this.establish().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Calls `method`; resolves with its payload or rejects with a typed GatewayError. */
  async request<T = unknown>(method: string, params?: unknown, opts: RequestOptions = {}): Promise<T> {
    if (this.closed) throw this.closedError();
    if (!this.conn?.alive) {
      if (this.retryTimer) {
        throw new GatewayUnavailable('UNAVAILABLE', `reconnecting to the gateway at ${where(this.options.url)}`, {
          method,
          retryable: true,
          retryAfterMs: Math.max(0, this.retryAt - Date.now()),
        });
      }
      await this.connect();
    }
    const conn = this.conn;
    if (!conn) throw this.closedError();
    return (await conn.call(method, params, { timeoutMs: opts.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000, signal: opts.signal })) as T;
  }

  /** Closes for good: no reconnect, pending calls reject with GatewayUnavailable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await conn.close();
    this.emit('close', this.closedError());
  }

  private async establish(): Promise<HelloOk> {
    const budget = this.options.connectTimeoutMs ?? 30_000;
    const deadline = Date.now() + budget;
    const params = buildConnectParams({
      token: this.options.token,
      scopes: this.options.scopes,
      clientVersion: this.options.clientVersion ?? packageJson.version,
      platform: process.platform,
    });
    for (let attempt = 0; ; attempt++) {
      const holder: { conn?: GatewayConnection } = {};
      try {
        const conn = await GatewayConnection.open(this.options.url, params, Math.max(1, deadline - Date.now()), {
          onEvent: (frame) => this.emit('event', frame),
          onLost: (error) => this.lost(holder.conn, error),
        });
        holder.conn = conn;
        if (this.closed) {
          await conn.close();
          throw this.closedError();
        }
        this.conn = conn;
        return conn.hello as HelloOk;
      } catch (err) {
        // Only the gateway's own UNAVAILABLE answer to `connect` (start-up sidecars) is retried here;
        // an unreachable port fails at once so callers can report the instance as down.
        const retry = err instanceof GatewayUnavailable && err.method === 'connect' && !this.closed;
        if (!retry) throw err;
        const delay = backoffDelay(attempt, this.backoff ?? DEFAULT_BACKOFF, Math.random, err.retryAfterMs);
        if (Date.now() + delay >= deadline) throw err;
        await sleep(delay);
      }
    }
  }

  private lost(conn: GatewayConnection | undefined, error: GatewayUnavailable): void {
    if (!conn || this.conn !== conn) return;
    this.conn = undefined;
    this.emit('close', error);
    if (!this.closed && this.backoff) this.scheduleReconnect(0);
  }

  private scheduleReconnect(attempt: number): void {
    const delay = backoffDelay(attempt, this.backoff);
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        (hello) => this.emit('reconnect', hello),
        (err: unknown) => {
          // A refused token or protocol will not heal by retrying.
          if (this.closed || err instanceof GatewayAuthFailed || err instanceof GatewayProtocolMismatch) return;
          this.scheduleReconnect(attempt + 1);
        },
      );
    }, delay);
    this.retryTimer.unref();
  }

  private closedError(): GatewayUnavailable {
    return new GatewayUnavailable('UNAVAILABLE', `the client of the gateway at ${where(this.options.url)} is closed`);
  }
}

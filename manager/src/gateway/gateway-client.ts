// A long-lived client of one OpenClaw gateway: connects (retrying the gateway's UNAVAILABLE while it
// starts up), runs many concurrent requests over one socket and emits the gateway's events. Pending
// calls of a lost connection reject at once; the next call connects afresh.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import packageJson from '../../../package.json' with { type: 'json' };
import { backoffDelay, type Backoff } from '../backoff.js';
import { GatewayConnection } from './gateway-connection.js';
import { GatewayUnavailable } from './gateway-errors.js';
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
  /** The connection ended (lost, or close() was called). */
  close: [GatewayUnavailable];
}

/** Retries of the gateway's UNAVAILABLE answer to `connect` while its start-up sidecars come up. */
const CONNECT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, jitter: 0.2 };

const where = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class GatewayClient extends EventEmitter<GatewayClientEvents> {
  private conn?: GatewayConnection;
  private connecting?: Promise<HelloOk>;
  private closed = false;

  constructor(private readonly options: GatewayClientOptions) {
    super();
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
    if (!this.conn?.alive) await this.connect();
    const conn = this.conn;
    if (!conn) throw this.closedError();
    return (await conn.call(method, params, { timeoutMs: opts.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000, signal: opts.signal })) as T;
  }

  /** Closes for good: pending calls reject with GatewayUnavailable, later ones too. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
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
        // The gateway's own retryAfterMs is a floor: never retry sooner than it asked.
        const delay = Math.max(backoffDelay(attempt, CONNECT_BACKOFF), err.retryAfterMs ?? 0);
        if (Date.now() + delay >= deadline) throw err;
        await sleep(delay);
      }
    }
  }

  private lost(conn: GatewayConnection | undefined, error: GatewayUnavailable): void {
    if (!conn || this.conn !== conn) return;
    this.conn = undefined;
    this.emit('close', error);
  }

  private closedError(): GatewayUnavailable {
    return new GatewayUnavailable('UNAVAILABLE', `the client of the gateway at ${where(this.options.url)} is closed`);
  }
}

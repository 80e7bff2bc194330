// One authenticated gateway connection per key (an instance), shared by every caller. Concurrent
// first calls share one connect; a lost or failed connection is dropped and the next call makes a
// new one; a changed url or token for a key replaces the connection.
import { GatewayClient, type GatewayClientOptions, type RequestOptions } from './gateway-client.js';

export interface GatewayTarget {
  readonly url: string;
  readonly token: string;
}

export interface GatewayPoolOptions {
  readonly scopes?: readonly string[];
  /** Per connect (default 30 s, see GatewayClientOptions). */
  readonly connectTimeoutMs?: number;
  /** Default per call (default 30 s). */
  readonly requestTimeoutMs?: number;
}

interface Entry {
  readonly client: GatewayClient;
  readonly url: string;
  readonly token: string;
  readonly ready: Promise<unknown>;
}

export class GatewayPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: GatewayPoolOptions = {}) {}

  /** Number of pooled connections (connected or connecting). */
  get size(): number {
    return this.entries.size;
  }

  /** Calls `method` on the gateway at `target` over the key's pooled connection. */
  async call<T = unknown>(key: string, target: GatewayTarget, method: string, params?: unknown, opts?: RequestOptions): Promise<T> {
    const entry = this.entryFor(key, target);
    await entry.ready;
    return entry.client.request<T>(method, params, opts);
  }

  /** Drops the key's connection (the instance was deleted or restarted). */
  async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    await entry.client.close();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((e) => e.client.close()));
  }

  private entryFor(key: string, target: GatewayTarget): Entry {
    const existing = this.entries.get(key);
    if (existing && existing.url === target.url && existing.token === target.token) return existing;
    if (existing) {
      this.entries.delete(key);
      void existing.client.close();
    }
    const clientOptions: GatewayClientOptions = {
      url: target.url,
      token: target.token,
      ...(this.options.scopes ? { scopes: this.options.scopes } : {}),
      ...(this.options.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
    };
    const client = new GatewayClient(clientOptions);
    const drop = (): void => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    const entry: Entry = { client, url: target.url, token: target.token, ready: client.connect() };
    entry.ready.catch(() => {
      drop();
      void client.close();
    });
    client.on('close', drop);
    this.entries.set(key, entry);
    return entry;
  }
}

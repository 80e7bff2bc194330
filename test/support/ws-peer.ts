// Peers for tests of the VNC pipe: a ws server standing in for websockify, a runtime whose
// websockify addresses the test decides, and byte-stream helpers that hash what they send and get.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { VncTarget } from '../../manager/src/runtime/instance-runtime.js';
import { MemoryRuntime } from './memory-runtime.js';
import { toBuffer } from './ws-client.js';

/** Instances whose websockify address the test decides. */
export class TargetRuntime extends MemoryRuntime {
  readonly vncUrls = new Map<string, string>();
  /** How long finding the VNC target takes: the window in which a viewer can leave mid-upgrade. */
  vncTargetDelayMs = 0;
  override async vncTarget(userId: string): Promise<VncTarget> {
    await this.get(userId);
    if (this.vncTargetDelayMs > 0) await new Promise((r) => setTimeout(r, this.vncTargetDelayMs));
    return { url: this.vncUrls.get(userId) ?? 'ws://127.0.0.1:1' };
  }
}

/** A plain ws server standing in for websockify; it picks `binary` when offered, like websockify. */
export class Upstream {
  readonly server: WebSocketServer;
  readonly sockets: WebSocket[] = [];
  readonly offered: string[][] = [];
  /** The handshake request of each connection: its URL and headers, as websockify would see them. */
  readonly requests: { readonly url: string; readonly headers: Record<string, string | string[] | undefined> }[] = [];
  onConnection: (ws: WebSocket) => void = () => undefined;

  constructor() {
    this.server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
    this.server.on('connection', (ws, req) => {
      this.offered.push((req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean));
      this.requests.push({ url: req.url ?? '', headers: { ...req.headers } });
      this.sockets.push(ws);
      this.onConnection(ws);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next connection the manager makes. */
  nextConnection(): Promise<WebSocket> {
    return new Promise((resolve) => {
      this.onConnection = (ws) => {
        this.onConnection = () => undefined;
        resolve(ws);
      };
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Sends `total` random bytes in `chunk`-sized binary messages; returns their hash. */
export function sendRandom(ws: WebSocket, total: number, chunk: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += chunk) {
    const part = randomBytes(Math.min(chunk, total - sent));
    hash.update(part);
    ws.send(part, { binary: true });
  }
  return hash.digest('hex');
}

/** Resolves with the hash of the first `total` bytes received on `ws`. */
export function receiveBytes(ws: WebSocket, total: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let received = 0;
    const onMessage = (data: RawData): void => {
      const part = toBuffer(data);
      hash.update(part);
      received += part.length;
      if (received >= total) {
        ws.off('message', onMessage);
        if (received > total) reject(new Error(`received ${received} bytes, expected ${total}`));
        else resolve(hash.digest('hex'));
      }
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`closed (${code}) after ${received} of ${total} bytes`)));
  });
}

export async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

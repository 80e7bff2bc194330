// Small WebSocket client helpers for tests: open and wait, or expect a refusal before the upgrade.
import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';

export interface Refusal {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/**
 * Opens a WebSocket; rejects with the HTTP status when the server refuses the upgrade.
 * `onMessage` is attached before the handshake, for servers that speak first.
 */
export function openWebSocket(
  url: string,
  protocols: readonly string[] = [],
  onMessage?: (data: Buffer, isBinary: boolean) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...protocols], { perMessageDeflate: false });
    if (onMessage) ws.on('message', (data: RawData, isBinary: boolean) => onMessage(toBuffer(data), isBinary));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`upgrade refused with ${res.statusCode}`));
      res.resume();
    });
    ws.once('error', reject);
  });
}

/** Expects the server to answer the upgrade with an HTTP error; resolves with it. */
export function expectRefusal(url: string, protocols: readonly string[] = []): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...protocols], { perMessageDeflate: false });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`expected ${url} to be refused, but it upgraded`));
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** The next message on `ws`. */
export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data: RawData, isBinary: boolean) => resolve({ data: toBuffer(data), isBinary }));
    ws.once('close', (code) => reject(new Error(`closed (${code}) before a message arrived`)));
  });
}

/** Resolves with the close code and reason once `ws` is closed. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
}

export function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

// Pure pieces of the VNC upgrade: which requests it serves, what credentials they carry, and the HTTP
// response that refuses one before any WebSocket exists.
import { STATUS_CODES } from 'node:http';
import { parseBearer } from '../auth/api-key.js';
import { errorAnswer } from '../errors/http-error.js';

export interface VncRequest {
  /** Raw path segment; validated after authentication. */
  readonly userId: string;
  readonly token: string | undefined;
  readonly ticket: string | undefined;
  /** Subprotocols the client offered, in its order. */
  readonly protocols: readonly string[];
}

const VNC_PATH = /^\/api\/instances\/([^/]+)\/vnc\/?$/;

/**
 * The VNC request in an upgrade, or undefined when the path is not `/api/instances/:userId/vnc`. The key
 * comes as `?token=` (a browser cannot set headers on a WebSocket) or as the API's own Bearer header.
 */
export function parseVncRequest(url: string | undefined, protocolHeader: string | undefined, authorization?: string): VncRequest | undefined {
  const parsed = new URL(url ?? '/', 'http://manager.invalid');
  const match = VNC_PATH.exec(parsed.pathname);
  if (!match?.[1]) return undefined;
  let userId: string;
  try {
    userId = decodeURIComponent(match[1]);
  } catch {
    userId = match[1];
  }
  const nonEmpty = (value: string | null): string | undefined => (value === null || value === '' ? undefined : value);
  return {
    userId,
    token: nonEmpty(parsed.searchParams.get('token')) ?? parseBearer(authorization),
    ticket: nonEmpty(parsed.searchParams.get('ticket')),
    protocols: (protocolHeader ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''),
  };
}

/**
 * A complete HTTP/1.1 response refusing an upgrade, in the API's one JSON error shape.
 */
export function rejectionResponse(err: unknown): string {
  const { status, body, headers } = errorAnswer(err);
  const json = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${json}`;
}

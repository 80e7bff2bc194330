// Serves a manager app on a free loopback port for a test and gives a small JSON client for it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export interface RequestOptions {
  /** Bearer key; omitted means no Authorization header. */
  readonly key?: string;
  /** Sent as JSON unless a string or bytes (sent as they are). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ManagerHttp {
  readonly url: string;
  readonly server: Server;
  request(method: string, path: string, options?: RequestOptions): Promise<JsonResponse>;
  close(): Promise<void>;
}

export async function serveApp(app: Pick<Koa, 'callback'>, port = 0): Promise<ManagerHttp> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    request: (method, path, options = {}) => requestJson(url, method, path, options),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function requestJson(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.Authorization = `Bearer ${options.key}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.body !== undefined) {
    if (options.body instanceof Uint8Array) body = new Uint8Array(options.body);
    else body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

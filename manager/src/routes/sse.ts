// Server-sent events (text/event-stream): one `data:` line of JSON per event, a `: keepalive`
// comment at an interval so proxies and clients see the connection alive, and an AbortSignal that
// fires when the client goes away, which is what stops the producer.
// Format: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
import { PassThrough } from 'node:stream';
import type { AppContext } from '../app-state.js';

export const SSE_KEEPALIVE = ': keepalive\n\n';
export const DEFAULT_KEEPALIVE_MS = 15_000;

/** One event; JSON.stringify never emits a raw newline, so one `data:` line carries it whole. */
export function formatSseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export interface SseStream {
  /** Aborts when the client disconnects or close() is called. */
  readonly signal: AbortSignal;
  send(data: unknown): void;
  /** Ends the response. */
  close(): void;
}

/** Answers `ctx` with an event stream; Koa writes the headers and pipes it after the middleware. */
export function openSseStream(ctx: AppContext, options: { readonly keepaliveMs?: number } = {}): SseStream {
  const controller = new AbortController();
  const body = new PassThrough();
  // Koa destroys the body when the client leaves; a write racing that must not throw.
  body.on('error', () => undefined);
  ctx.status = 200;
  ctx.type = 'text/event-stream';
  ctx.set({ 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
  ctx.body = body;
  const open = (): boolean => !body.destroyed && !body.writableEnded;
  const keepalive = setInterval(() => {
    if (open()) body.write(SSE_KEEPALIVE);
  }, options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS);
  const finish = (): void => {
    clearInterval(keepalive);
    controller.abort();
  };
  ctx.res.once('close', finish);
  body.once('close', finish);
  return {
    signal: controller.signal,
    send: (data) => {
      if (open()) body.write(formatSseData(data));
    },
    close: () => {
      finish();
      if (open()) body.end();
    },
  };
}

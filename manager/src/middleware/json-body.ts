// Reads a JSON request body with a size limit: larger bodies are refused with 413 before or while
// they are read; a body that is not JSON, or not declared as JSON, is a 400. An empty body is {}.
// The one exception: a gzip body sent to a path that streams one (a backup import) is left unread.
import type { AppMiddleware } from '../app-state.js';
import { InvalidJsonBody, PayloadTooLarge } from '../errors/http-error.js';

/**
 * 32 secrets of 8 KiB each must fit in one create request, so the limit is above 256 KiB.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 512 * 1024;

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function jsonBody(limitBytes = DEFAULT_BODY_LIMIT_BYTES, streams: (path: string) => boolean = () => false): AppMiddleware {
  return async (ctx, next) => {
    if (!METHODS_WITH_BODY.has(ctx.method)) return next();
    if (streams(ctx.path) && ctx.is('application/gzip')) return next();
    const declared = Number(ctx.get('Content-Length') || '0');
    if (declared > limitBytes) throw new PayloadTooLarge(limitBytes);

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) {
        // Stop reading; the connection is closed after the response so the rest is not parsed.
        ctx.set('Connection', 'close');
        throw new PayloadTooLarge(limitBytes);
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') {
      ctx.state.body = {};
      return next();
    }
    if (!ctx.is('json') && !ctx.is('application/*+json')) {
      throw new InvalidJsonBody('Request body must be JSON with Content-Type: application/json');
    }
    try {
      ctx.state.body = JSON.parse(text);
    } catch {
      throw new InvalidJsonBody();
    }
    return next();
  };
}

// An AbortSignal that fires when the HTTP client goes away before its answer is written, so a long
// call made for it (a WhatsApp wait) is cancelled. The response's 'close' is the one to watch: since
// Node 16 the request's own 'close' fires as soon as its body has been read.
import type { AppContext } from '../app-state.js';
import { HttpError } from '../errors/http-error.js';

/** The client closed the connection first (nginx's 499); nobody reads this answer. */
export class ClientClosedRequest extends HttpError {
  constructor() {
    super(499, 'The client closed the request before the answer', { code: 'CLIENT_CLOSED_REQUEST' });
  }
}

export interface ClientAbort {
  readonly signal: AbortSignal;
  /** Stops watching (call when the answer is ready). */
  release(): void;
}

export function clientAbortSignal(ctx: AppContext): ClientAbort {
  const controller = new AbortController();
  const res = ctx.res;
  const onClose = (): void => {
    if (!res.writableEnded) controller.abort(new ClientClosedRequest());
  };
  if (res.destroyed || ctx.req.socket.destroyed) onClose();
  else res.once('close', onClose);
  return { signal: controller.signal, release: () => res.off('close', onClose) };
}

/** Runs `work` for the client; if the client leaves first, the work is aborted and its answer is ClientClosedRequest. */
export async function forClient<T>(ctx: AppContext, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = clientAbortSignal(ctx);
  try {
    return await work(abort.signal);
  } catch (err) {
    if (abort.signal.aborted) throw new ClientClosedRequest();
    throw err;
  } finally {
    abort.release();
  }
}

// Types shared by the app, its middleware and the route modules.
import type { Router } from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from './logger.js';

export interface AppState {
  /** X-Request-Id of this request (taken from the client when well-formed, else generated). */
  requestId: string;
  /** Logger bound to this request's id. */
  log: Logger;
  /** Parsed JSON body of POST/PUT/PATCH requests ({} when empty). */
  body?: unknown;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;
export type AppRouter = Router<AppState>;

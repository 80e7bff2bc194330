// Errors that know their HTTP status. Koa's convention: `status` plus `expose` (whether the message
// may be shown to the client). The error middleware renders every one of them the same way.

export interface HttpErrorOptions {
  /** Machine-readable code, e.g. INVALID_USER_ID (default: none). */
  readonly code?: string;
  /** Structured details; sent only for 4xx, logged for 5xx (default: none). */
  readonly details?: Record<string, unknown>;
  /** Whether the message may be sent (default: status < 500). */
  readonly expose?: boolean;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers?: Record<string, string>;
  readonly cause?: unknown;
}

export class HttpError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly code: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.code = options.code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export class InvalidRequest extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, message, { code: 'INVALID_REQUEST', ...(details ? { details } : {}) });
  }
}

export class InvalidJsonBody extends HttpError {
  constructor(message = 'Request body is not valid JSON') {
    super(400, message, { code: 'INVALID_JSON' });
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super(413, `Request body exceeds ${limitBytes} bytes`, { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes } });
  }
}

export class AuthenticationRequired extends HttpError {
  constructor() {
    super(401, 'Missing or invalid Authorization header', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

export class TooManyAuthFailures extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, 'Too many failed authentication attempts; retry later', {
      code: 'TOO_MANY_AUTH_FAILURES',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

export class RouteNotFound extends HttpError {
  constructor(method: string, path: string) {
    super(404, `No route for ${method} ${path}`, { code: 'NOT_FOUND' });
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(method: string, allowed: readonly string[]) {
    super(405, `Method ${method} is not allowed here (allowed: ${allowed.join(', ')})`, {
      code: 'METHOD_NOT_ALLOWED',
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** Status and exposure of any thrown value: HttpError, a koa/http-errors error, or anything else (500). */
export function describeError(err: unknown): { status: number; expose: boolean } {
  if (err instanceof HttpError) return { status: err.status, expose: err.expose };
  if (typeof err === 'object' && err !== null) {
    const { status, statusCode, expose } = err as { status?: unknown; statusCode?: unknown; expose?: unknown };
    const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
    if (code !== undefined && code >= 400 && code <= 599) {
      return { status: code, expose: typeof expose === 'boolean' ? expose : code < 500 };
    }
  }
  return { status: 500, expose: false };
}

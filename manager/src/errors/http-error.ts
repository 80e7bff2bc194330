// Errors that know their HTTP status. Koa's convention: `status` plus `expose` (whether the message
// may be shown to the client). The error middleware renders every one of them the same way.

export interface HttpErrorOptions {
  /** Machine-readable code, e.g. INVALID_USER_ID (default: none). */
  readonly code?: string;
  /** Structured details; sent only for 4xx, logged for 5xx (default: none). */
  readonly details?: Record<string, unknown>;
  /** Send `details` with a 5xx too: they are meant for the caller (e.g. which backup holds the data). */
  readonly publicDetails?: boolean;
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
  readonly publicDetails: boolean;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.code = options.code;
    this.details = options.details;
    this.publicDetails = options.publicDetails ?? false;
    this.headers = options.headers ?? {};
  }
}

/** One thing wrong with the input: `field` is its dotted path in the body (or the path or query parameter's name). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Bad input. Every one that names a field lists it in `details.problems`, whatever part of the request it came from. */
export class InvalidRequest extends HttpError {
  constructor(message: string, problems: readonly FieldProblem[] = [], code = 'INVALID_REQUEST') {
    super(400, message, { code, ...(problems.length > 0 ? { details: { problems } } : {}) });
  }
}

export class InvalidJsonBody extends HttpError {
  constructor(message = 'Request body is not valid JSON') {
    super(400, message, { code: 'INVALID_JSON' });
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    super(415, message, { code: 'UNSUPPORTED_MEDIA_TYPE' });
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limitBytes: number) {
    super(413, `Request body exceeds ${limitBytes} bytes`, { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes } });
  }
}

export class AuthenticationRequired extends HttpError {
  constructor() {
    super(401, 'Missing or invalid Authorization header', { code: 'AUTHENTICATION_REQUIRED', headers: { 'WWW-Authenticate': 'Bearer' } });
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

/** The code of an error that brought none (e.g. one thrown by Koa itself), from its status. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'INVALID_REQUEST';
    case 401: return 'AUTHENTICATION_REQUIRED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'TOO_MANY_REQUESTS';
    case 503: return 'UNAVAILABLE';
    default: return status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

/** The one JSON shape every error answer has (the OpenAPI document's Error schema). */
export interface ErrorBody {
  error: string;
  code: string;
  details?: Record<string, unknown>;
}

/** How any thrown value is answered: 4xx messages and details are sent; 5xx only an exposed message, and details only when public. */
export function errorAnswer(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const { status, expose } = describeError(err);
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof HttpError && err.code !== undefined ? err.code : codeForStatus(status);
  const body: ErrorBody = { error: expose ? message : 'Internal server error', code };
  if (err instanceof HttpError && err.details !== undefined && (status < 500 || err.publicDetails)) body.details = err.details;
  return { status, body, headers: err instanceof HttpError ? err.headers : {} };
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

/** What a failure may say in a response body or a run's results: its own words when exposed, never internals. */
export function publicMessage(err: unknown): string {
  return err instanceof HttpError && err.expose ? err.message : 'internal error (details are in the manager log)';
}

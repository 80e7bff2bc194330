// Typed gateway failures. Each keeps the gateway's own code, message and details; callers branch on
// the class (and on `details.code`), never on message text. Messages never carry the token.
import type { ErrorShape } from './protocol.js';

export interface GatewayErrorInit {
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  /** The RPC method that failed, when there was one. */
  readonly method?: string;
  readonly cause?: unknown;
}

export class GatewayError extends Error {
  readonly details?: unknown;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly method?: string;

  constructor(
    readonly code: string,
    message: string,
    init: GatewayErrorInit = {},
  ) {
    super(message, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = new.target.name;
    if (init.details !== undefined) this.details = init.details;
    if (init.retryable !== undefined) this.retryable = init.retryable;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.method !== undefined) this.method = init.method;
  }

  /** `details.code` when the gateway sent one (e.g. AUTH_TOKEN_MISMATCH, PROTOCOL_MISMATCH). */
  get detailCode(): string | undefined {
    const details = this.details as { code?: unknown } | undefined;
    return typeof details?.code === 'string' ? details.code : undefined;
  }
}

/** The gateway answered a request with ok:false. */
export class GatewayRequestFailed extends GatewayError {}
/** The token was refused (details.code AUTH_*). */
export class GatewayAuthFailed extends GatewayError {}
/** The gateway does not speak protocol 4 (details.code PROTOCOL_MISMATCH). */
export class GatewayProtocolMismatch extends GatewayError {}
/** The connection lacks a scope the method needs (MISSING_SCOPE / FORBIDDEN). */
export class GatewayScopeMissing extends GatewayError {}
/** No answer within the call's timeout. */
export class GatewayTimeout extends GatewayError {}
/** Cannot connect, connection lost, or the gateway said UNAVAILABLE; see retryAfterMs. */
export class GatewayUnavailable extends GatewayError {}
/** The caller's AbortSignal fired before the answer came. */
export class GatewayAborted extends GatewayError {}

const SCOPE_CODES = new Set(['MISSING_SCOPE', 'FORBIDDEN']);

/** Which class a gateway error shape becomes; the table the unit tests pin. */
export function classifyGatewayError(shape: ErrorShape): typeof GatewayError {
  const detailCode = (shape.details as { code?: unknown } | undefined)?.code;
  if (typeof detailCode === 'string') {
    if (detailCode === 'PROTOCOL_MISMATCH') return GatewayProtocolMismatch;
    if (detailCode.startsWith('AUTH_')) return GatewayAuthFailed;
    if (SCOPE_CODES.has(detailCode)) return GatewayScopeMissing;
  }
  if (SCOPE_CODES.has(shape.code)) return GatewayScopeMissing;
  if (shape.code === 'UNAVAILABLE') return GatewayUnavailable;
  return GatewayRequestFailed;
}

/** The typed error for an ok:false answer to `method`. */
export function gatewayErrorFrom(shape: ErrorShape, method: string): GatewayError {
  const ErrorClass = classifyGatewayError(shape);
  return new ErrorClass(shape.code, shape.message, {
    details: shape.details,
    retryable: shape.retryable,
    retryAfterMs: shape.retryAfterMs,
    method,
  });
}

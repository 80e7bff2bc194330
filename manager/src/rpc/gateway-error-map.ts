// The one place gateway failures become HTTP answers. The gateway's own code and message are passed
// on; its details, as `details.gateway`, only for 4xx (5xx details are logged by the error
// middleware, never sent).
import { HttpError } from '../errors/http-error.js';
import {
  GatewayError,
  GatewayRequestFailed,
  GatewayScopeMissing,
  GatewayTimeout,
  GatewayUnavailable,
} from '../gateway/gateway-errors.js';

const SCOPE_CODES = new Set(['MISSING_SCOPE', 'FORBIDDEN']);

/** HTTP status for a gateway error: 400 bad request, 403 scope, 503 unavailable, 504 timeout, else 502. */
export function statusForGatewayError(err: GatewayError): number {
  if (err instanceof GatewayScopeMissing) return 403;
  if (err instanceof GatewayTimeout) return 504;
  if (err instanceof GatewayUnavailable) return 503;
  if (err instanceof GatewayRequestFailed) {
    const detailCode = err.detailCode;
    if (SCOPE_CODES.has(err.code) || (detailCode !== undefined && SCOPE_CODES.has(detailCode))) return 403;
    if (err.code === 'INVALID_REQUEST') return 400;
    if (err.code === 'UNAVAILABLE') return 503;
  }
  return 502;
}

/** Converts anything the gateway client threw; non-gateway errors pass through unchanged. */
export function mapGatewayError(err: unknown): unknown {
  if (!(err instanceof GatewayError)) return err;
  const status = statusForGatewayError(err);
  const headers: Record<string, string> = {};
  if (status === 503) headers['Retry-After'] = String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000)));
  const details = err.details && typeof err.details === 'object' && !Array.isArray(err.details)
    ? (err.details as Record<string, unknown>)
    : undefined;
  return new HttpError(status, err.message, {
    code: err.code,
    expose: true,
    headers,
    cause: err,
    ...(details ? { details: { gateway: details } } : {}),
  });
}

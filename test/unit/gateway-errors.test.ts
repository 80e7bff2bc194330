import { describe, expect, it } from 'vitest';
import {
  GatewayAuthFailed,
  GatewayError,
  GatewayProtocolMismatch,
  GatewayRequestFailed,
  GatewayScopeMissing,
  GatewayUnavailable,
  classifyGatewayError,
  gatewayErrorFrom,
} from '../../manager/src/gateway/gateway-errors.js';

describe('classifyGatewayError', () => {
  it.each([
    ['wrong token', { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } }, GatewayAuthFailed],
    ['missing token', { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISSING' } }, GatewayAuthFailed],
    ['rate limited auth', { code: 'UNAVAILABLE', message: 'slow down', details: { code: 'AUTH_RATE_LIMITED' } }, GatewayAuthFailed],
    ['wrong protocol', { code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { code: 'PROTOCOL_MISMATCH' } }, GatewayProtocolMismatch],
    ['missing scope detail', { code: 'INVALID_REQUEST', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE', missingScope: 'operator.admin' } }, GatewayScopeMissing],
    ['missing scope code', { code: 'MISSING_SCOPE', message: 'missing scope' }, GatewayScopeMissing],
    ['forbidden', { code: 'FORBIDDEN', message: 'forbidden' }, GatewayScopeMissing],
    ['starting up', { code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 500, details: { reason: 'startup-sidecars' } }, GatewayUnavailable],
    ['unknown method', { code: 'INVALID_REQUEST', message: 'unknown method: channel.status' }, GatewayRequestFailed],
    ['no provider', { code: 'INVALID_REQUEST', message: 'web login provider is not available' }, GatewayRequestFailed],
    ['other code', { code: 'NOT_LINKED', message: 'not linked' }, GatewayRequestFailed],
    ['details without code', { code: 'INVALID_REQUEST', message: 'bad', details: 'text' }, GatewayRequestFailed],
  ])('%s', (_name, shape, expected) => {
    expect(classifyGatewayError(shape)).toBe(expected);
  });
});

describe('gatewayErrorFrom', () => {
  it('keeps the gateway code, message, details, retry hints and the method', () => {
    const err = gatewayErrorFrom({ code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 500, details: { reason: 'startup-sidecars' } }, 'connect');
    expect(err).toBeInstanceOf(GatewayUnavailable);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ name: 'GatewayUnavailable', code: 'UNAVAILABLE', message: 'starting', retryable: true, retryAfterMs: 500, method: 'connect', details: { reason: 'startup-sidecars' } });
  });

  it('exposes details.code', () => {
    const err = gatewayErrorFrom({ code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } }, 'connect');
    expect(err.detailCode).toBe('AUTH_TOKEN_MISMATCH');
    expect(gatewayErrorFrom({ code: 'X', message: 'y' }, 'm').detailCode).toBeUndefined();
  });
});

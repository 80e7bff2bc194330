// Structured JSON logs. Redaction is the second line of defence: the code never logs bodies, tokens
// or user secrets in the first place.
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'gatewayToken',
  '*.gatewayToken',
  'apiKey',
  '*.apiKey',
  'secrets',
  '*.secrets',
  'body',
  '*.body',
];

/** A pino logger writing JSON lines to `destination` (default stdout). */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'openclaw-manager' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** Replaces the value of `token` (and similar) query parameters, for URLs that end up in logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|ticket|key)=)[^&#]*/gi, '$1[REDACTED]');
}

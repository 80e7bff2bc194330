// Structured JSON logs. Redaction is the second line of defence: the code never logs bodies, tokens
// or user secrets in the first place.
import { destination as pinoDestination, pino, type Logger } from 'pino';
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

// Standard output in batches: a line is a system call of its own only when lines are rare, so the
// access log costs a busy manager little; nothing waits longer than FLUSH_EVERY_MS, and flushLogs()
// writes what is left before the process exits.
const FLUSH_EVERY_MS = 200;
let stdout: ReturnType<typeof pinoDestination> | undefined;

function batchedStdout(): ReturnType<typeof pinoDestination> {
  if (!stdout) {
    const destination = pinoDestination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => destination.flush(), FLUSH_EVERY_MS).unref();
    stdout = destination;
  }
  return stdout;
}

/** Writes every buffered log line now; call before exiting. */
export function flushLogs(): void {
  stdout?.flushSync();
}

/** A pino logger writing JSON lines to `destination` (default standard output, batched). */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'openclaw-manager' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  return pino(options, destination ?? batchedStdout());
}

/** Replaces the value of `token` (and similar) query parameters, for URLs that end up in logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|ticket|key)=)[^&#]*/gi, '$1[REDACTED]');
}

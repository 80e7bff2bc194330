// Integration setup file: every manager a test builds (createApp, createLogger) has its log lines and
// its responses recorded, and the secrets it sees noted (its API key, the user secrets instances are
// created with, the gateway tokens it calls with). After each test file, that file's output is
// scanned; the global teardown (setup-secret-scan.ts) scans the whole run. Every answer is also
// checked against the manager's OpenAPI document (openapi-responses.ts), and a file whose managers
// answered anything the document does not describe fails. The wrappers change no behaviour: loggers
// still write what they wrote before, apps answer what they answered.
import { Writable } from 'node:stream';
import { afterAll, vi } from 'vitest';
import type { AppMiddleware } from '../../manager/src/app-state.js';
import type { GatewayCaller } from '../../manager/src/rpc/instance-rpc.js';
import { answerProblem } from './openapi-responses.js';
import { describeFindings, noteSecret, recordOutput, scanCurrentFile } from './secret-capture.js';

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** A destination that records every line and passes on those at or above `level`. */
function teeStream(level: string, destination: NodeJS.WritableStream | undefined): Writable {
  const threshold = LEVELS[level] ?? 30;
  const out = destination ?? process.stdout;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line !== '') recordOutput('log', line);
      const lineLevel = Number(/"level":(\d+)/.exec(text)?.[1] ?? 30);
      if (lineLevel >= threshold) out.write(text);
      callback();
    },
  });
}

vi.mock('../../manager/src/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../manager/src/logger.js')>();
  return {
    ...real,
    createLogger: (level: Parameters<typeof real.createLogger>[0], destination?: NodeJS.WritableStream) =>
      real.createLogger('trace', teeStream(level, destination)),
  };
});

function bodyText(body: unknown, contentType: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return /json|text/.test(contentType) ? body.toString('utf8') : undefined;
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return undefined;
  return JSON.stringify(body);
}

const capture: AppMiddleware = async (ctx, next) => {
  try {
    await next();
  } finally {
    // The secrets an instance was created with (a refused body's values are the fuzz's noise).
    const secrets = (ctx.state.body as { secrets?: unknown } | undefined)?.secrets;
    if (ctx.status < 300 && secrets && typeof secrets === 'object') for (const value of Object.values(secrets)) if (typeof value === 'string') noteSecret(value);
    const text = bodyText(ctx.body, ctx.response.type);
    recordOutput(`response ${ctx.method} ${ctx.path} ${ctx.status}`, `${JSON.stringify(ctx.response.headers)} ${text ?? ''}`);
    const problem = answerProblem({ method: ctx.method, path: ctx.path, status: ctx.status, type: ctx.response.type, text });
    if (problem) undocumented.add(problem);
  }
};

/** Answers of this file's managers that the OpenAPI document does not describe. */
const undocumented = new Set<string>();

vi.mock('../../manager/src/app.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../manager/src/app.js')>();
  const createApp: typeof real.createApp = (config, deps) => {
    noteSecret(config.apiKey);
    const pool: GatewayCaller = {
      call: (key, target, ...rest) => {
        noteSecret(target.token);
        return deps.pool.call(key, target, ...rest);
      },
      evict: (key) => deps.pool.evict(key),
    };
    const app = real.createApp(config, { ...deps, pool });
    app.middleware.unshift(capture as (typeof app.middleware)[number]);
    return app;
  };
  return { ...real, createApp };
});

afterAll(() => {
  const findings = scanCurrentFile();
  if (findings.length > 0) throw new Error(`secret values appeared in manager logs or responses:\n${describeFindings(findings)}`);
  if (undocumented.size > 0) throw new Error(`answers the OpenAPI document does not describe:\n${[...undocumented].join('\n')}`);
});

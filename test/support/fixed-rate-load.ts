// Open-loop load at a fixed rate: request i is sent at start + i/rate whether or not earlier ones
// have been answered, over HTTP keep-alive, so a slow server shows up as latency and errors rather
// than as a lower request rate. Used by the RPC soak test and bench/rpc-soak.ts.
import { Agent, request } from 'node:http';

export interface FixedRateLoadOptions {
  /** e.g. http://127.0.0.1:3000 */
  readonly baseUrl: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Connections to keep open (default 16). */
  readonly maxSockets?: number;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}

export interface FixedRateLoadResult {
  readonly sent: number;
  readonly ok: number;
  /** Failures by HTTP status or error code. */
  readonly errors: Readonly<Record<string, number>>;
  /** The first few failures, for the report. */
  readonly samples: readonly string[];
  /** Milliseconds per answered request. */
  readonly latencies: readonly number[];
  readonly elapsedMs: number;
}

export async function runFixedRateLoad(options: FixedRateLoadOptions): Promise<FixedRateLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
  const url = new URL(options.path, options.baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const interval = 1000 / options.ratePerSecond;
  const errors: Record<string, number> = {};
  const samples: string[] = [];
  const latencies: number[] = [];
  let ok = 0;
  const fail = (what: string, detail: string): void => {
    errors[what] = (errors[what] ?? 0) + 1;
    if (samples.length < 5) samples.push(`${what}: ${detail.slice(0, 300)}`);
  };

  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = request(url, { method: options.method, headers, agent, timeout: options.timeoutMs ?? 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          if (res.statusCode === 200) ok += 1;
          else fail(String(res.statusCode), Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        fail(err.code ?? err.message, err.message);
        resolve();
      });
      req.end(payload);
    });

  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { sent: total, ok, errors, samples, latencies, elapsedMs };
}

// The manager process: reads the configuration, takes its port, starts the runtime, serves, and
// shuts down gracefully on SIGTERM/SIGINT. The only place that exits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createApp } from './app.js';
import { AuthFailureLimiter } from './auth/failure-limiter.js';
import { ConfigInvalid, loadConfig } from './config.js';
import { GatewayPool } from './gateway/gateway-pool.js';
import { createLogger, flushLogs } from './logger.js';
import { createRuntime } from './runtime/create-runtime.js';
import { attachVncUpgrade } from './vnc/vnc-upgrade.js';

// Kubernetes waits terminationGracePeriodSeconds (30 s) before SIGKILL; finish before that.
const SHUTDOWN_GRACE_MS = 20_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigInvalid) {
      process.stderr.write(`openclaw-manager: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // `npm start` asks before it installs anything: the settings are fine, nothing more to do.
  if (process.argv.includes('--check-config')) process.exit(0);
  const logger = createLogger(config.logLevel);
  // The port first: a second manager on a taken port must leave before it adopts or restarts anything.
  const server = createServer(answerStarting);
  server.requestTimeout = 15 * 60_000;
  try {
    await listen(server, config.port, config.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`openclaw-manager: ${config.host}:${config.port} is already in use (another manager? stop it, or set PORT); nothing was started\n`);
    flushLogs();
    process.exit(1);
  }
  const runtime = createRuntime(config, logger);
  await runtime.start();
  const pool = new GatewayPool();
  // One limiter, so failed keys count alike on the API and on the VNC WebSocket.
  const authLimiter = new AuthFailureLimiter();
  const app = createApp(config, { runtime, pool, logger, authLimiter });
  // A backup left pending would otherwise keep its instance stopped; it is settled before serving.
  await app.backups.settle().catch((err: unknown) => logger.error({ err }, 'settling unfinished backups failed; they stay as they are'));
  server.off('request', answerStarting);
  server.on('request', app.callback());
  const vnc = attachVncUpgrade(server, { apiKey: config.apiKey, runtime, vnc: app.vnc, logger, limiter: authLimiter, trustProxy: config.trustProxy });
  logger.info({ port: config.port, host: config.host, runtime: config.runtime }, 'openclaw-manager listening');
  if (app.idleStop) {
    app.idleStop.start();
    logger.info({ idleStopAfterMs: config.idleStopAfterMs, sweepEveryMs: app.idleStop.intervalMs }, 'idle stop on');
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      logger.warn('requests still running after the grace period; closing their connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // VNC sessions never end on their own; close them (1001) so server.close() can finish.
    vnc.close();
    app.idleStop?.stop();
    // A fleet upgrade starts no new instance now; the ones under way are cut off with the process.
    app.fleet.close();
    server.close(() => {
      clearTimeout(force);
      void Promise.allSettled([pool.closeAll(), runtime.close()]).then((results) => {
        for (const r of results) if (r.status === 'rejected') logger.error({ err: r.reason }, 'error while shutting down');
        logger.info('stopped');
        flushLogs();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Requests that arrive while the runtime starts (adopting instances) wait for it: 503, retry in a second. */
function answerStarting(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1' });
  res.end(JSON.stringify({ error: 'The manager is starting; retry in a second', code: 'STARTING' }));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

main().catch((err: unknown) => {
  flushLogs();
  process.stderr.write(`openclaw-manager: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

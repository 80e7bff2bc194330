// A real VNC stack for tests and benchmarks, the same programs an instance runs: Xvfb on a free
// display, x11vnc on it (loopback, no password), websockify in front. Also websockify alone in front
// of any TCP port (benchmarks put it before a byte source/sink).
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';

export interface VncStack {
  /** e.g. ":153" */
  readonly display: string;
  /** websockify's WebSocket URL. */
  readonly url: string;
  readonly rfbPort: number;
  stop(): Promise<void>;
}

export interface Websockify {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An X display number with neither a socket nor a lock file, from a range instances do not start at. */
function freeDisplay(): number {
  for (let n = 150 + Math.floor(Math.random() * 50); n < 1000; n += 1) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; fails when `child` exits first. */
export async function waitForPort(port: number, child: ResultPromise, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.then(() => undefined, () => undefined).finally(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.spawnargs.join(' ')} exited before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function stopAll(children: readonly ResultPromise[]): Promise<void> {
  for (const child of [...children].reverse()) {
    // websockify can sit on SIGTERM while a forked connection handler lives; execa then kills.
    child.kill('SIGTERM');
    await child.catch(() => undefined);
  }
}

function spawn(file: string, args: readonly string[], env: Record<string, string> = {}): ResultPromise {
  const child = execa(file, args, {
    env, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: 5_000,
  });
  return child;
}

/** websockify on a free loopback port, forwarding to 127.0.0.1:targetPort. */
export async function startWebsockify(targetPort: number): Promise<Websockify> {
  const port = await freePort();
  const child = spawn('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`]);
  await waitForPort(port, child);
  return { url: `ws://127.0.0.1:${port}`, port, stop: () => stopAll([child]) };
}

/** Xvfb (width x height x 24) + x11vnc + websockify. */
export async function startVncStack(options: { width?: number; height?: number } = {}): Promise<VncStack> {
  const displayNumber = freeDisplay();
  const display = `:${displayNumber}`;
  const children: ResultPromise[] = [];
  try {
    const xvfb = spawn('Xvfb', [display, '-screen', '0', `${options.width ?? 1024}x${options.height ?? 768}x24`, '-nolisten', 'tcp']);
    children.push(xvfb);
    const socket = `/tmp/.X11-unix/X${displayNumber}`;
    for (let i = 0; i < 300 && !existsSync(socket); i += 1) await sleep(100);
    if (!existsSync(socket)) throw new Error(`Xvfb did not open ${display}`);
    const rfbPort = await freePort();
    const x11vnc = spawn('x11vnc', ['-display', display, '-localhost', '-rfbport', String(rfbPort), '-forever', '-shared', '-nopw', '-quiet']);
    children.push(x11vnc);
    await waitForPort(rfbPort, x11vnc);
    const port = await freePort();
    const websockify = spawn('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${rfbPort}`]);
    children.push(websockify);
    await waitForPort(port, websockify);
    return { display, url: `ws://127.0.0.1:${port}`, rfbPort, stop: () => stopAll(children) };
  } catch (err) {
    await stopAll(children);
    throw err;
  }
}

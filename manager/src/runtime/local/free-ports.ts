// Finds free loopback TCP ports and a free X display number for a new local instance.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port the kernel says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on 127.0.0.1 now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports, none of them in `avoid`. */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count; attempts += 1) {
    if (attempts > count * 20) throw new Error('cannot find free TCP ports on 127.0.0.1');
    const port = await freePort();
    if (!avoid.has(port)) ports.add(port);
  }
  return [...ports];
}

/** The first X display number >= `from` with neither a socket nor a lock file, and not in `avoid`. */
export function freeDisplay(avoid: ReadonlySet<number>, from = 100): number {
  for (let n = from; n < from + 1000; n += 1) {
    if (avoid.has(n)) continue;
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error('no free X display number');
}

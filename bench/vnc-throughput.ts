// VNC throughput through the manager's proxy against straight to websockify, measured in the same
// run: real websockify in front of a TCP source (downstream, like framebuffer updates) and a TCP
// sink (upstream). Runs alternate between the two paths; the median of each is reported with the
// ratio proxied/direct. The manager gets a core of its own where there are two or more
// (bench/lib/cores.ts); --shared-cores leaves all three processes to the scheduler.
// Usage: npx tsx bench/vnc-throughput.ts [MiB per run, default 128] [runs, default 3] [--shared-cores]
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { WebSocket, type RawData } from 'ws';
import { startWebsockify } from '../test/support/vnc-stack.js';
import { isolateManager } from './lib/cores.js';

const MIB = 1024 * 1024;
const totalBytes = Number(process.argv[2] ?? 128) * MIB;
const runs = Number(process.argv[3] ?? 3);
const CHUNK = randomBytes(64 * 1024);

type Direction = 'down' | 'up';

interface TcpPeer {
  readonly server: Server;
  readonly port: number;
  direction: Direction;
  /** Bytes received in `up` mode so far. */
  received: number;
}

/** A TCP server: in `down` mode it writes totalBytes to each connection, in `up` mode it counts what arrives. */
function tcpPeer(): Promise<TcpPeer> {
  const peer = { direction: 'down' as Direction, received: 0 };
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    if (peer.direction === 'up') {
      socket.on('data', (chunk: Buffer) => {
        peer.received += chunk.length;
      });
      return;
    }
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes) {
        const part = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - sent));
        sent += part.length;
        if (!socket.write(part)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(Object.assign(peer, { server, port: (server.address() as { port: number }).port })));
  });
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], { perMessageDeflate: false, maxPayload: 64 * MIB });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Bytes/s of one run: receive totalBytes (down) or send totalBytes and wait for the close (up). */
async function measure(url: string, direction: Direction, sinkCounter: () => number): Promise<number> {
  const ws = await open(url);
  const started = process.hrtime.bigint();
  if (direction === 'down') {
    await new Promise<void>((resolve, reject) => {
      let got = 0;
      ws.on('message', (data: RawData) => {
        got += (data as Buffer).length;
        if (got >= totalBytes) resolve();
      });
      ws.once('close', () => (got >= totalBytes ? resolve() : reject(new Error(`closed after ${got} bytes`))));
    });
  } else {
    const base = sinkCounter();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent < totalBytes && ws.bufferedAmount < 4 * MIB) {
          ws.send(CHUNK, { binary: true });
          sent += CHUNK.length;
        }
        if (sinkCounter() - base >= totalBytes) return resolve();
        setImmediate(pump);
      };
      pump();
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  ws.terminate();
  return totalBytes / seconds;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mibps = (bytesPerSecond: number): string => `${(bytesPerSecond / MIB).toFixed(1)} MiB/s`;

const peer = await tcpPeer();
const sunk = (): number => peer.received;
const websockify = await startWebsockify(peer.port);
const root = path.resolve(import.meta.dirname, '..');
const manager = execa(process.execPath, ['--import', 'tsx', path.join(root, 'bench/vnc-throughput-manager.ts'), websockify.url], {
  cwd: root, stdin: 'ignore', stderr: 'inherit', reject: false, cleanup: true, forceKillAfterDelay: 5_000,
});
const line = await new Promise<string>((resolve, reject) => {
  if (!manager.stdout) return reject(new Error('no stdout'));
  createInterface({ input: manager.stdout }).once('line', resolve);
  void manager.then((r) => reject(new Error(`manager exited (${r.exitCode})`)));
});
const { url: managerWs, apiKey } = JSON.parse(line) as { url: string; apiKey: string };
const cores = process.argv[4] === '--shared-cores' ? 'shared: nothing pinned' : isolateManager(manager.pid as number);
const proxiedUrl = `${managerWs}/api/instances/bench/vnc?token=${encodeURIComponent(apiKey)}`;

try {
  console.log(`VNC throughput, ${totalBytes / MIB} MiB per run, ${runs} runs per path (median), websockify ${websockify.url}`);
  console.log(`cores: ${cores}`);
  for (const direction of ['down', 'up'] as const) {
    peer.direction = direction;
    const direct: number[] = [];
    const proxied: number[] = [];
    // Warm up both paths once, then alternate so machine load hits both alike.
    await measure(websockify.url, direction, sunk);
    await measure(proxiedUrl, direction, sunk);
    for (let i = 0; i < runs; i += 1) {
      direct.push(await measure(websockify.url, direction, sunk));
      proxied.push(await measure(proxiedUrl, direction, sunk));
    }
    const d = median(direct);
    const p = median(proxied);
    const label = direction === 'down' ? 'websockify -> viewer (framebuffer direction)' : 'viewer -> websockify (input direction)';
    console.log(`${label}: direct ${mibps(d)}, through the manager ${mibps(p)}, ratio ${(p / d).toFixed(3)}`);
  }
} finally {
  manager.kill('SIGTERM');
  await manager;
  await websockify.stop();
  peer.server.close();
}

// `kubectl port-forward` in-process: a TCP listener on 127.0.0.1 whose every connection is carried
// to a port of the pod over the API server (@kubernetes/client-node PortForward, one WebSocket per
// connection). The last failure is kept so callers can say why a connection dropped.
import { PortForward } from '@kubernetes/client-node';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForwardFailed } from './errors.js';
import type { KubeTarget } from './kube-target.js';

export interface PortForwardHandle {
  /** The local port (the one asked for, or the free one picked). */
  readonly localPort: number;
  /** Why the last forwarded connection failed, if one did. */
  readonly lastError: string | undefined;
  close(): Promise<void>;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * Forwards 127.0.0.1:`localPort` (0 = any free port) to `remotePort` of the target pod.
 * @throws PortForwardFailed when the local port cannot be opened
 */
export async function forwardPort(target: KubeTarget, remotePort: number, localPort = 0): Promise<PortForwardHandle> {
  const forward = new PortForward(target.kubeConfig);
  const sockets = new Set<Socket>();
  let lastError: string | undefined;
  const where = `pod ${target.podName} port ${remotePort} in namespace ${target.namespace}`;

  const carry = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // The pod's error channel: an error on it ends this connection. Its first frame carries only the
    // port number, which the client strips, so an empty write is no error.
    const errors = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString('utf8').trim();
        if (text !== '') {
          lastError = `port-forward to ${where}: ${text}`;
          socket.destroy();
        }
        done();
      },
    });
    forward
      .portForward(target.namespace, target.podName, [remotePort], socket, errors, socket)
      .then((ws) => {
        if (typeof ws === 'function') return;
        ws.on('close', () => socket.end());
        ws.on('error', (err) => {
          lastError = `port-forward to ${where}: ${describe(err)}`;
          socket.destroy();
        });
        socket.on('close', () => ws.close());
      })
      .catch((err: unknown) => {
        lastError = `port-forward to ${where}: ${describe(err)}`;
        socket.destroy();
      });
  };

  const server: Server = createServer(carry);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new PortForwardFailed(`Cannot listen on 127.0.0.1:${localPort}: ${describe(err)}`)));
    server.listen(localPort, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : localPort;

  return {
    localPort: port,
    get lastError() {
      return lastError;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

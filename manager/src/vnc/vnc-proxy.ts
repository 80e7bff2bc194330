// A byte-exact pipe between two open WebSockets (a viewer and the instance's websockify). Messages
// are forwarded unchanged with their binary/text flag. Backpressure: when one side's outgoing buffer
// passes the high-water mark the other side stops being read (its TCP window closes, so the flood
// waits in the sender, not here) until the buffer drains below the low-water mark. Closing either
// side closes the other with the same code. The viewer is pinged every heartbeatMs: one that vanished
// without a FIN or RST (a sleeping laptop, a dropped network) has not answered by the next ping and
// is terminated, so its slot and websockify's connection do not wait for TCP to notice.
import { WebSocket, type RawData } from 'ws';

export interface VncPipeOptions {
  /** Pause reading the source once the destination buffers more than this many bytes (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Resume reading once the destination buffers at most this many bytes (default highWaterMark / 4). */
  readonly lowWaterMark?: number;
  /** Called for every forwarded message, in either direction (activity tracking). */
  readonly onActivity?: () => void;
  /** Called once when both sides are done. */
  readonly onClose?: (event: VncPipeClosed) => void;
  /** Ping the viewer this often; no pong by the next ping ends it (default 30 s). */
  readonly heartbeatMs?: number;
}

export interface VncPipeClosed {
  /** Which side closed first. */
  readonly initiator: 'client' | 'upstream';
  /** The code received from the initiator (1005 none, 1006 abnormal). */
  readonly code: number;
  /** The code sent to the other side. */
  readonly forwardedCode: number;
}

export interface VncPipeStats {
  readonly clientToUpstreamBytes: number;
  readonly upstreamToClientBytes: number;
  /** Bytes waiting to be written to the viewer / to websockify. */
  readonly clientBuffered: number;
  readonly upstreamBuffered: number;
  /** Whether reading is paused because the other side is behind. */
  readonly clientPaused: boolean;
  readonly upstreamPaused: boolean;
}

export interface VncPipe {
  stats(): VncPipeStats;
}

export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 30_000;

/**
 * The code to send on when a side closed with `code`. 1005 (no code) and 1006 (connection lost)
 * must not appear on the wire (RFC 6455 7.4.1), so they become 1000 and 1011.
 */
export function forwardableCloseCode(code: number): number {
  if (code === 1005) return 1000;
  if ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999)) return code;
  return 1011;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

interface Direction {
  bytes: number;
  paused: boolean;
}

/** Pipes `client` <-> `upstream`; both must be OPEN. */
export function pipeVnc(client: WebSocket, upstream: WebSocket, options: VncPipeOptions = {}): VncPipe {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const lowWaterMark = options.lowWaterMark ?? Math.floor(highWaterMark / 4);
  const up: Direction = { bytes: 0, paused: false };
  const down: Direction = { bytes: 0, paused: false };
  let closed: VncPipeClosed | undefined;
  let remaining = 2;

  const forward = (from: WebSocket, to: WebSocket, dir: Direction): void => {
    const drained = (): void => {
      if (dir.paused && to.bufferedAmount <= lowWaterMark) {
        dir.paused = false;
        from.resume();
      }
    };
    from.on('message', (data: RawData, isBinary: boolean) => {
      if (to.readyState !== WebSocket.OPEN) return;
      dir.bytes += byteLength(data);
      options.onActivity?.();
      // The send callback runs once this frame is flushed to the kernel: the moment to look again.
      to.send(data, { binary: isBinary, compress: false }, drained);
      if (!dir.paused && to.bufferedAmount > highWaterMark) {
        dir.paused = true;
        from.pause();
      }
    });
  };

  const onClose = (initiator: 'client' | 'upstream', other: WebSocket) => (code: number, reason: Buffer) => {
    if (closed === undefined) {
      closed = { initiator, code, forwardedCode: forwardableCloseCode(code) };
      // A paused side could not read the close reply and would wait for ws's close timeout.
      other.resume();
      if (other.readyState === WebSocket.OPEN || other.readyState === WebSocket.CONNECTING) {
        other.close(closed.forwardedCode, reason.length <= 123 ? reason : undefined);
      }
    }
    remaining -= 1;
    if (remaining === 0) {
      clearInterval(heartbeat);
      options.onClose?.(closed);
    }
  };

  let answered = true;
  client.on('pong', () => {
    answered = true;
  });
  const heartbeat = setInterval(() => {
    if (!answered) {
      client.terminate();
      return;
    }
    answered = false;
    if (client.readyState === WebSocket.OPEN) client.ping();
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  forward(client, upstream, up);
  forward(upstream, client, down);
  client.on('close', onClose('client', upstream));
  upstream.on('close', onClose('upstream', client));
  // Errors end in 'close' (1006); listening keeps them from being thrown.
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
  // Either side may have been paused while the pipe was being set up.
  client.resume();
  upstream.resume();

  return {
    stats: () => ({
      clientToUpstreamBytes: up.bytes,
      upstreamToClientBytes: down.bytes,
      clientBuffered: client.bufferedAmount,
      upstreamBuffered: upstream.bufferedAmount,
      clientPaused: up.paused,
      upstreamPaused: down.paused,
    }),
  };
}

// The byte pipe between a viewer and the instance's websockify once the WebSocket handshake is done:
// the WebSocket frames go through as they are, neither unmasked nor re-framed, so the manager adds a
// copy and a syscall per chunk, not a WebSocket stack. Frame headers are read (ws-frames.ts) only to
// put the manager's own frames between two frames:
// - a ping to the viewer every heartbeatMs: a viewer that sent nothing since the last ping (its pong
//   would have been something) vanished without a FIN or RST and is dropped, so its slot and
//   websockify's connection do not wait for TCP to notice;
// - a close frame 1011 to the side still there when the other is lost without one, 1001 when the
//   manager shuts down.
// Backpressure: a side whose outgoing buffer passes the high-water mark stops the other side being
// read (its TCP window closes, so a flood waits in the sender) until the buffer drains.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { FrameBoundaries, SERVER_PING, closeFrame } from './ws-frames.js';

export interface VncPipeOptions {
  /** Stop reading a side once the other's outgoing buffer holds more than this many bytes (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Called for every chunk forwarded, in either direction (activity tracking). */
  readonly onActivity?: () => void;
  /** Called once when both sides are closed. */
  readonly onClose?: (event: VncPipeClosed) => void;
  /** Ping the viewer this often; nothing from it by the next ping ends it (default 30 s). */
  readonly heartbeatMs?: number;
  /** Bytes either side sent before the pipe existed (in the same packets as the handshake). */
  readonly early?: { readonly toClient?: Buffer; readonly toUpstream?: Buffer };
}

export interface VncPipeClosed {
  /** Which side went first. */
  readonly initiator: 'client' | 'upstream' | 'manager';
  /** Whether it sent a close frame first (else the connection was lost, or the viewer went silent). */
  readonly clean: boolean;
}

/** Bytes are counted on the wire: payloads and frame headers. */
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
  /** Sends both sides a close frame with `code` (between frames) and ends them. */
  close(code: number): void;
}

export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** How long a side may take to flush and close once the other is gone. */
const LINGER_MS = 5_000;

interface Side {
  readonly socket: Duplex;
  readonly frames: FrameBoundaries;
  /** Frames of the manager's own, waiting for the next frame boundary in what goes to this side. */
  readonly pending: Buffer[];
  /** Whether the manager's frames to this side must be masked (it is a server: websockify). */
  readonly masked: boolean;
  bytes: number;
  paused: boolean;
  ended: boolean;
  closed: boolean;
}

/** Pipes `client` (the viewer's socket) <-> `upstream` (websockify's), both past their handshake. */
export function spliceVnc(client: Duplex, upstream: Socket, options: VncPipeOptions = {}): VncPipe {
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const side = (socket: Duplex, masked: boolean): Side => ({
    socket, frames: new FrameBoundaries(), pending: [], masked, bytes: 0, paused: false, ended: false, closed: false,
  });
  // `frames` of a side follow what is written TO it.
  const viewer = side(client, false);
  const websockify = side(upstream, true);
  let first: VncPipeClosed | undefined;
  let heardFromViewer = true;

  /** Writes the manager's own frames to `to` if it is between two frames now. */
  const flushPending = (to: Side): void => {
    if (to.pending.length === 0 || !to.frames.atBoundary || to.ended) return;
    for (const frame of to.pending.splice(0)) to.socket.write(frame);
  };

  /** Queues a frame of the manager's own for `to`, written at the next frame boundary. */
  const inject = (to: Side, frame: Buffer): void => {
    if (to.frames.closeSeen || to.ended) return;
    to.pending.push(frame);
    flushPending(to);
  };

  /** Writes `chunk` to `to`, the manager's pending frames at the first frame boundary in it. */
  const deliver = (to: Side, chunk: Buffer): void => {
    if (to.pending.length > 0 && to.frames.atBoundary) flushPending(to);
    if (to.pending.length === 0) {
      to.frames.feed(chunk);
      to.socket.write(chunk);
      return;
    }
    const cut = to.frames.feed(chunk)[0];
    if (cut === undefined) {
      to.socket.write(chunk);
      return;
    }
    to.socket.write(chunk.subarray(0, cut));
    for (const frame of to.pending.splice(0)) to.socket.write(frame);
    if (cut < chunk.length) to.socket.write(chunk.subarray(cut));
  };

  /** `from` is gone (a FIN, or closed): the other side gets a close frame unless `from` sent one, then an end. */
  const gone = (from: Side, to: Side): void => {
    // What `from` sent is what was followed for `to`.
    first ??= { initiator: from === viewer ? 'client' : 'upstream', clean: to.frames.closeSeen };
    if (to.closed || to.ended) return;
    inject(to, closeFrame(1011, to.masked));
    endSide(to);
    // Read (and drop) what the other side still sends, so its own FIN is seen and it closes now.
    to.paused = false;
    to.socket.resume();
  };

  const forward = (from: Side, to: Side): void => {
    from.socket.on('data', (chunk: Buffer) => {
      if (from === viewer) heardFromViewer = true;
      if (to.ended || to.closed) return;
      to.bytes += chunk.length;
      options.onActivity?.();
      deliver(to, chunk);
      if (!from.paused && to.socket.writableNeedDrain && to.socket.writableLength > highWaterMark) {
        from.paused = true;
        from.socket.pause();
      }
    });
    to.socket.on('drain', () => {
      if (from.paused && !from.closed) {
        from.paused = false;
        from.socket.resume();
      }
    });
    from.socket.on('end', () => {
      const saidClose = to.frames.closeSeen;
      gone(from, to);
      // A viewer that leaves without a close frame will not read what is still on its way either.
      if (from === viewer && !saidClose) viewer.socket.destroy();
    });
    from.socket.on('close', () => {
      from.closed = true;
      gone(from, to);
      if (viewer.closed && websockify.closed) {
        clearInterval(heartbeat);
        options.onClose?.(first ?? { initiator: 'manager', clean: false });
      }
    });
    // Errors end in 'close'; listening keeps them from being thrown.
    from.socket.on('error', () => undefined);
  };

  const endSide = (to: Side): void => {
    if (to.ended) return;
    to.ended = true;
    to.socket.end();
    setTimeout(() => to.socket.destroy(), LINGER_MS).unref();
  };

  const heartbeat = setInterval(() => {
    if (!heardFromViewer) {
      first ??= { initiator: 'client', clean: false };
      viewer.socket.destroy();
      return;
    }
    heardFromViewer = false;
    inject(viewer, SERVER_PING);
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  forward(viewer, websockify);
  forward(websockify, viewer);
  if (options.early?.toClient?.length) deliver(viewer, options.early.toClient);
  if (options.early?.toUpstream?.length) deliver(websockify, options.early.toUpstream);
  // Either side may have been paused while the pipe was being set up.
  client.resume();
  upstream.resume();

  return {
    stats: () => ({
      clientToUpstreamBytes: websockify.bytes,
      upstreamToClientBytes: viewer.bytes,
      clientBuffered: client.writableLength,
      upstreamBuffered: upstream.writableLength,
      clientPaused: viewer.paused,
      upstreamPaused: websockify.paused,
    }),
    close: (code) => {
      first ??= { initiator: 'manager', clean: true };
      for (const to of [viewer, websockify]) {
        inject(to, closeFrame(code, to.masked));
        endSide(to);
      }
    },
  };
}

import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { FrameBoundaries, SERVER_PING, closeFrame } from '../../manager/src/vnc/ws-frames.js';

/** One frame as RFC 6455 lays it out, masked (client) or not (server). */
function frame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65536 ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
  if (!masked) return Buffer.concat([head, payload]);
  head[1] = (head[1] as number) | 0x80;
  const key = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([head, key, payload.map((b, i) => b ^ (key[i % 4] as number))]);
}

describe('FrameBoundaries', () => {
  const frames = [
    frame(0x2, Buffer.alloc(0), false),
    frame(0x2, Buffer.alloc(125, 7), false),
    frame(0x1, Buffer.alloc(126, 8), true),
    frame(0x2, Buffer.alloc(70_000, 9), false),
    frame(0x9, Buffer.alloc(3), true),
    frame(0x8, Buffer.from([0x03, 0xe8]), false),
  ];
  const stream = Buffer.concat(frames);
  const ends = frames.reduce<number[]>((acc, f) => [...acc, (acc.at(-1) ?? 0) + f.length], []);

  it.each([1, 2, 3, 7, 64, 1000, 65_536, stream.length])('finds every frame end when the stream comes in chunks of %i bytes', (size) => {
    const tracker = new FrameBoundaries();
    const found: number[] = [];
    for (let at = 0; at < stream.length; at += size) {
      for (const end of tracker.feed(stream.subarray(at, at + size))) found.push(at + end);
    }
    expect(found).toEqual(ends);
    expect(tracker.atBoundary).toBe(true);
    expect(tracker.closeSeen).toBe(true);
  });

  it('is not at a boundary inside a header or a payload, and sees no close before one comes', () => {
    const tracker = new FrameBoundaries();
    tracker.feed(stream.subarray(0, 3));
    expect(tracker.atBoundary).toBe(false);
    tracker.feed(stream.subarray(3, ends[1]));
    expect(tracker.atBoundary).toBe(true);
    expect(tracker.closeSeen).toBe(false);
  });
});

describe('the frames the proxy writes', () => {
  it('are read by a real WebSocket peer: a ping to the viewer, a masked close 1011 to websockify', async () => {
    const server = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const atServer = new Promise<number>((resolve) => server.once('connection', (ws) => ws.once('close', (code) => resolve(code))));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client.once('open', resolve));
    // A client's raw socket: what the proxy would write to websockify.
    (client as unknown as { _socket: { write(b: Buffer): void } })._socket.write(closeFrame(1011, true));
    expect(await atServer).toBe(1011);
    server.close();

    const viewerServer = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => viewerServer.once('listening', resolve));
    const viewerPort = (viewerServer.address() as { port: number }).port;
    viewerServer.once('connection', (ws) => {
      const raw = (ws as unknown as { _socket: { write(b: Buffer): void } })._socket;
      raw.write(SERVER_PING);
      raw.write(closeFrame(4000, false));
    });
    const viewer = new WebSocket(`ws://127.0.0.1:${viewerPort}`);
    const pinged = new Promise<void>((resolve) => viewer.once('ping', () => resolve()));
    const closedWith = new Promise<number>((resolve) => viewer.once('close', (code) => resolve(code)));
    await pinged;
    expect(await closedWith).toBe(4000);
    viewerServer.close();
  });
});

// A minimal RFB 3.8 viewer (RFC 6143) over a WebSocket, as noVNC speaks it through websockify:
// version, security type None, ClientInit, ServerInit, then one full FramebufferUpdateRequest
// answered in the default Raw encoding.
import type WebSocket from 'ws';
import { toBuffer } from './ws-client.js';

export interface ServerInit {
  readonly width: number;
  readonly height: number;
  readonly bitsPerPixel: number;
  readonly name: string;
}

export interface FramebufferRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly encoding: number;
  readonly pixels: Buffer;
}

/** Bytes of an open WebSocket, read in exact amounts. */
class ByteReader {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended: Error | undefined;

  constructor(ws: WebSocket) {
    ws.on('message', (data) => {
      this.buffered = Buffer.concat([this.buffered, toBuffer(data)]);
      this.waiter?.();
    });
    ws.on('close', (code) => {
      this.ended = new Error(`the WebSocket closed (${code}) in the middle of the RFB exchange`);
      this.waiter?.();
    });
  }

  async read(length: number, timeoutMs = 30_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < length) {
      if (this.ended) throw this.ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${length} RFB bytes (have ${this.buffered.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(timer); resolve(); };
      });
      this.waiter = undefined;
    }
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return out;
  }
}

export class RfbClient {
  private readonly reader: ByteReader;

  constructor(private readonly ws: WebSocket) {
    this.reader = new ByteReader(ws);
  }

  /** The server's ProtocolVersion line, e.g. "RFB 003.008\n". */
  async greeting(): Promise<string> {
    return (await this.reader.read(12)).toString('latin1');
  }

  /** Answers the greeting and completes the handshake with security type None. */
  async handshake(): Promise<ServerInit> {
    this.ws.send(Buffer.from('RFB 003.008\n', 'latin1'));
    const count = (await this.reader.read(1))[0] ?? 0;
    if (count === 0) {
      const length = (await this.reader.read(4)).readUInt32BE(0);
      throw new Error(`the server refused the connection: ${(await this.reader.read(length)).toString()}`);
    }
    const types = [...(await this.reader.read(count))];
    if (!types.includes(1)) throw new Error(`the server offers no security type None (offers ${types.join(', ')})`);
    this.ws.send(Buffer.from([1]));
    const result = (await this.reader.read(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security handshake failed (${result})`);
    this.ws.send(Buffer.from([1])); // ClientInit: shared
    const init = await this.reader.read(24);
    const name = await this.reader.read(init.readUInt32BE(20));
    return { width: init.readUInt16BE(0), height: init.readUInt16BE(2), bitsPerPixel: init.readUInt8(4), name: name.toString('utf8') };
  }

  /** Asks for the whole screen and reads the first FramebufferUpdate (Raw rectangles only). */
  async framebufferUpdate(init: ServerInit): Promise<FramebufferRect[]> {
    const request = Buffer.alloc(10);
    request.writeUInt8(3, 0);
    request.writeUInt8(0, 1); // not incremental
    request.writeUInt16BE(init.width, 6);
    request.writeUInt16BE(init.height, 8);
    this.ws.send(request);
    const header = await this.reader.read(4);
    if (header[0] !== 0) throw new Error(`expected a FramebufferUpdate (0), got message type ${header[0]}`);
    const rects: FramebufferRect[] = [];
    for (let i = header.readUInt16BE(2); i > 0; i--) {
      const rect = await this.reader.read(12);
      const [x, y, width, height] = [rect.readUInt16BE(0), rect.readUInt16BE(2), rect.readUInt16BE(4), rect.readUInt16BE(6)];
      const encoding = rect.readInt32BE(8);
      if (encoding !== 0) throw new Error(`expected Raw rectangles, got encoding ${encoding}`);
      rects.push({ x, y, width, height, encoding, pixels: await this.reader.read(width * height * (init.bitsPerPixel / 8)) });
    }
    return rects;
  }
}

// Pure: just enough of RFC 6455 framing for a proxy that forwards WebSocket bytes untouched. It reads
// frame headers to know where one frame ends and the next may begin (so a control frame of its own
// can be put between two frames, never inside one) and whether a close frame went by. Payloads are
// skipped, never copied or unmasked.
import { randomBytes } from 'node:crypto';

const OPCODE_CLOSE = 0x8;

/** Follows one direction of a WebSocket byte stream, chunk by chunk. */
export class FrameBoundaries {
  private readonly header = Buffer.alloc(14);
  private headerBytes = 0;
  /** Payload bytes of the current frame still to come. */
  private remaining = 0;
  /** Whether a close frame has been seen: nothing may follow it. */
  closeSeen = false;

  /** Whether the stream is between two frames right now. */
  get atBoundary(): boolean {
    return this.headerBytes === 0 && this.remaining === 0;
  }

  /**
   * Reads `chunk`; answers the offsets inside it where a frame ends (a new one may start there),
   * in order. The chunk's end is among them when it ends a frame.
   * @example new FrameBoundaries().feed(Buffer.from([0x82, 0x01, 0xff, 0x89, 0x00])) // [3, 5]
   */
  feed(chunk: Buffer): number[] {
    const ends: number[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        at += take;
        this.remaining -= take;
        if (this.remaining === 0) ends.push(at);
        continue;
      }
      this.header[this.headerBytes++] = chunk[at++] as number;
      const needed = this.headerLength();
      if (needed === undefined || this.headerBytes < needed) continue;
      if (((this.header[0] as number) & 0x0f) === OPCODE_CLOSE) this.closeSeen = true;
      this.remaining = this.payloadLength();
      this.headerBytes = 0;
      if (this.remaining === 0) ends.push(at);
    }
    return ends;
  }

  /** The full header's length once its first two bytes are known. */
  private headerLength(): number | undefined {
    if (this.headerBytes < 2) return undefined;
    const second = this.header[1] as number;
    const lengthBytes = (second & 0x7f) === 126 ? 2 : (second & 0x7f) === 127 ? 8 : 0;
    return 2 + lengthBytes + (second & 0x80 ? 4 : 0);
  }

  private payloadLength(): number {
    const short = (this.header[1] as number) & 0x7f;
    if (short === 126) return this.header.readUInt16BE(2);
    if (short === 127) return Number(this.header.readBigUInt64BE(2));
    return short;
  }
}

/** An empty ping, as a server sends it (unmasked). */
export const SERVER_PING = Buffer.from([0x89, 0x00]);

/** A close frame with `code` and no reason: unmasked as a server sends it, or masked as a client must. */
export function closeFrame(code: number, masked: boolean): Buffer {
  const payload = Buffer.from([code >> 8, code & 0xff]);
  if (!masked) return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
  const key = randomBytes(4);
  return Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), key, payload.map((byte, i) => byte ^ (key[i % 4] as number))]);
}

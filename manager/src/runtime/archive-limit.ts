// The size limit of an archive being imported, counted as it streams through (an upload's
// Content-Length is only a claim).
import { Transform, type TransformCallback } from 'node:stream';
import { InvalidArchive } from './runtime-errors.js';

/** Passes bytes through until more than `maxBytes` came, then fails with a 413. */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) callback(new InvalidArchive(`it is larger than ${this.maxBytes} bytes (OPENCLAW_BACKUP_IMPORT_MAX_BYTES)`, 413));
    else callback(null, chunk);
  }
}

// An instance's log file as its start progress reads it: where a launch's output begins, and what
// was written from there on.
import { open, stat } from 'node:fs/promises';

const LAUNCH_OUTPUT_LIMIT = 256 * 1024;

/** The log's current end: the offset where the output of a launch that starts now begins. */
export async function logEnd(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

/** What the log holds from `offset` on (at most 256 KiB of it); '' when unreadable. */
export async function readLogFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, Math.min(LAUNCH_OUTPUT_LIMIT, size - offset)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

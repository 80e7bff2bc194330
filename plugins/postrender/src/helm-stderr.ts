// Helm 4.1.4 captures a post-renderer's stderr in a buffer it never prints (executeCmd in
// internal/plugin/runtime_subprocess.go), so a refused render only says "exited with error". This
// appends our lines to Helm's own stderr instead, reached through /proc/<helm pid>/fd/2.
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';

const O_APPEND = 0o2000;

/**
 * Appends `text` to the stderr of process `helmPid` when that is safe: a terminal or a pipe, or a
 * regular file Helm holds in append mode (any other file is written at Helm's own offset, which would
 * overwrite these lines). A socket, as Node's child_process gives, cannot be opened through /proc.
 * Returns whether the text was written; never throws.
 */
export function appendToHelmStderr(helmPid: number, text: string): boolean {
  if (process.platform !== 'linux' || !Number.isInteger(helmPid) || helmPid <= 1) return false;
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${helmPid}/fd/2`, 'a');
    if (fstatSync(fd).isFile() && !heldForAppend(helmPid)) return false;
    writeSync(fd, text);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function heldForAppend(pid: number): boolean {
  const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/2`, 'utf8'))?.[1];
  return flags !== undefined && (Number.parseInt(flags, 8) & O_APPEND) !== 0;
}

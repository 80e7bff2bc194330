// Finds processes through /proc, for fault tests that kill a particular child (helm mid-install)
// or check what is left running.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Process group id. */
  readonly pgid: number;
  readonly argv: readonly string[];
}

function info(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state ppid pgrp session ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), argv };
  } catch {
    return undefined;
  }
}

/** Every live process. */
export function processes(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => info(Number(entry)))
    .filter((p): p is ProcessInfo => p !== undefined);
}

/** Live processes whose argv contains every one of `words` (as whole arguments). */
export function findProcesses(words: readonly string[]): ProcessInfo[] {
  return processes().filter((p) => words.every((w) => p.argv.includes(w)));
}

/** Polls until a process with all of `words` in its argv runs; throws after `timeoutMs`. */
export async function waitForProcess(words: readonly string[], timeoutMs = 60_000): Promise<ProcessInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = findProcesses(words)[0];
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no process with ${words.join(' ')} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends `signal`, ignoring a process that is already gone. */
export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether `pid` runs (a zombie does not count). */
export function alive(pid: number): boolean {
  return info(pid) !== undefined;
}

// Facts about processes by pid, from the kernel. Used to decide whether a recorded pid is still the
// instance this manager started (adopt) or something else (restart).
import { readFileSync, readdirSync } from 'node:fs';

/** Whether a process with this pid exists (a zombie counts until reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` is alive and is the very process recorded (same start time, where /proc exists). */
export function isSameProcess(pid: number, recordedStartTime: string | undefined): boolean {
  if (!isAlive(pid)) return false;
  // Without /proc (not Linux) liveness is all there is to go on.
  if (process.platform !== 'linux') return true;
  const now = processStartTime(pid);
  if (now === undefined) return false;
  return recordedStartTime === undefined || now === recordedStartTime;
}

/** Sends `signal` to one process; a process already gone is fine. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Live (non-zombie) processes of session `sid`. An instance is started as a session leader and its
 * entrypoint puts each child in its own process group, so the session is what holds all of them.
 */
export function sessionProcesses(sid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return isAlive(sid) ? [sid] : [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && fields[0] !== 'X' && Number(fields[3]) === sid) pids.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  return pids;
}

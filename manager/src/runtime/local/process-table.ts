// Facts about processes by pid, from the kernel. Used to decide whether a recorded pid is still the
// instance this manager started (adopt) or something else (restart).
import { readFileSync } from 'node:fs';

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

/** Signals a whole process group (the instance was started as a group leader). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether any process of the group is still alive. */
export function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

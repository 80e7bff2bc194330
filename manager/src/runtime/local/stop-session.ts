// Stopping one local instance: SIGTERM to its entrypoint (which stops its children), then SIGKILL to
// whatever is left of its session after the grace period. The session is what holds every process
// the instance started, so nothing it spawned outlives a stop.
import { isAlive, isSameProcess, sessionProcesses, signal } from './process-table.js';

export interface StopSessionOptions {
  /** Grace before SIGKILL. */
  readonly timeoutMs: number;
  /** Told which processes had to be killed. */
  readonly onKill?: (pids: readonly number[]) => void;
}

/** Resolves once no process of the session led by `pid` is left (or `pid` no longer is ours). */
export async function stopSession(pid: number | undefined, pidStartTime: string | undefined, options: StopSessionOptions): Promise<void> {
  if (pid === undefined) return;
  if (isSameProcess(pid, pidStartTime)) signal(pid, 'SIGTERM');
  else if (isAlive(pid)) return; // the pid now belongs to someone else; its session is not ours
  const deadline = Date.now() + options.timeoutMs;
  while (sessionProcesses(pid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const left = sessionProcesses(pid);
  if (left.length > 0) {
    options.onKill?.(left);
    for (const p of left) signal(p, 'SIGKILL');
  }
}

// Gives the manager a core of its own for a benchmark, where the machine has two or more, as it
// has in production in its own pod: the manager's process on the last core, the peer it proxies to
// (a gateway, websockify) and the load generator on the others. Without this the three fight for the same cores and the
// comparison measures the scheduler as much as the proxy.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync, readdirSync } from 'node:fs';

/** Every process below `pid` (children, their children, ...). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** taskset every thread of `pid` onto `cpus` (a list like "0" or "0-2"). */
function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * Pins as described above: the manager on the last core; this process and everything else it
 * started (the manager's own children included: a gateway) on the others. `alike` are pinned like
 * the manager (a bare proxy measured as the manager's floor). Answers how the cores were shared,
 * for the report.
 */
export function isolateManager(managerPid: number, alike: readonly number[] = []): string {
  const cores = availableParallelism();
  if (cores < 2) return `1 core: manager, gateway and load generator share it`;
  const managerCpu = String(cores - 1);
  const rest = cores === 2 ? '0' : `0-${cores - 2}`;
  const own = [managerPid, ...alike];
  for (const pid of [process.pid, ...descendants(process.pid)]) if (!own.includes(pid)) pin(pid, rest);
  for (const pid of own) pin(pid, managerCpu);
  return `the manager${alike.length > 0 ? ' (and, measured apart, the bare proxy)' : ''} on cpu ${managerCpu}; everything else (the peer it proxies to, the load generator) on cpu ${rest}`;
}

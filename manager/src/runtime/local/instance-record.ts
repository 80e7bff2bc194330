// The small per-instance record that lets a restarted manager find (adopt) or restart its instances.
// Files are written 0600 and replaced atomically.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface InstancePorts {
  /** Forwarded gateway port (the one clients use). */
  readonly gateway: number;
  /** The gateway itself, loopback. */
  readonly gatewayInternal: number;
  readonly vnc: number;
  readonly rfb: number;
  readonly cdp: number;
}

export interface InstanceRecord {
  readonly version: 1;
  readonly userId: string;
  readonly createdAt: string;
  readonly ports: InstancePorts;
  /** X display number, e.g. 101 for ":101". */
  readonly display: number;
  readonly browser: boolean;
  /** Set once the process is started. */
  readonly pid?: number;
  /** Kernel start time of `pid` (clock ticks since boot), so a recycled pid is not mistaken for ours. */
  readonly pidStartTime?: string;
  readonly startedAt?: string;
  /** Stopped on purpose: a restarted manager leaves it stopped. */
  readonly stopped?: boolean;
  /** The image tag last rolled to (fleet upgrade); the runtime default when absent. */
  readonly imageTag?: string;
  /** Image changes, oldest first, the last few kept (records written before they existed have none). */
  readonly revisions?: readonly LocalRevision[];
}

export interface LocalRevision {
  readonly revision: number;
  readonly imageTag: string;
  /** ISO 8601. */
  readonly at: string;
  readonly cause: string;
}

export async function writePrivateFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, file);
}

export async function writeRecord(file: string, record: InstanceRecord): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** The record, or undefined when there is none (or it is unreadable: treated as no instance). */
export async function readRecord(file: string): Promise<InstanceRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<InstanceRecord>;
  if (parsed.version !== 1 || typeof parsed.userId !== 'string' || typeof parsed.ports !== 'object') {
    throw new Error(`${file} is not an instance record`);
  }
  return parsed as InstanceRecord;
}

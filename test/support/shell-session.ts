// One long-lived bash that runs commands one after another, as a person types them into a terminal:
// variables set by one command are there for the next. `set -a` exports every variable, so a command
// that must run as its own process (an interactive client) gets the same environment.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export interface ShellResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class ShellSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private exited = false;
  private readonly changed = new Set<() => void>();

  constructor(env: Record<string, string>, cwd: string) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { env, cwd });
    this.child.stdout.on('data', (chunk: Buffer) => this.append('stdout', chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.append('stderr', chunk));
    this.child.once('exit', () => {
      this.exited = true;
      for (const notify of this.changed) notify();
    });
    this.child.stdin.write('set -a\n');
  }

  /** Runs `command` (any bash, several lines allowed) and answers once it has finished. */
  async run(command: string, timeoutMs: number): Promise<ShellResult> {
    const marker = `@@done-${randomUUID()}`;
    const outFrom = this.stdout.length;
    const errFrom = this.stderr.length;
    this.child.stdin.write(`${command}\nprintf '\\n${marker} %s\\n' "$?"\nprintf '\\n${marker}\\n' >&2\n`);
    const ended = new RegExp(`\\n${marker} (\\d+)\\n`);
    await this.until(() => ended.test(this.stdout.slice(outFrom)) && this.stderr.includes(`\n${marker}\n`, errFrom), timeoutMs, command);
    const out = this.stdout.slice(outFrom);
    const match = ended.exec(out);
    return {
      exitCode: Number(match?.[1]),
      stdout: out.slice(0, match?.index),
      stderr: this.stderr.slice(errFrom, this.stderr.indexOf(`\n${marker}\n`, errFrom)),
    };
  }

  /** The session's exported variables, for a command that must run as a process of its own. */
  async environment(): Promise<Record<string, string>> {
    const { stdout } = await this.run('env -0', 10_000);
    return Object.fromEntries(stdout.split('\0').filter((line) => line.includes('=')).map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    }));
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill('SIGTERM');
  }

  private append(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this[stream] += chunk.toString('utf8');
    for (const notify of this.changed) notify();
  }

  private until(done: () => boolean, timeoutMs: number, command: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish(resolve);
        else if (this.exited) finish(() => reject(new Error(`bash exited while running: ${command}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`still running after ${timeoutMs} ms: ${command}`))), timeoutMs);
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        this.changed.delete(check);
        then();
      };
      this.changed.add(check);
      check();
    });
  }
}

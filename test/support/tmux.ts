// Runs a command in a real terminal (tmux on a private socket) and reads the screen back, for the
// parts of the CLI that only a terminal shows: in-place redraws and ANSI output.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TmuxControl {
  /** The screen (text only) right now. */
  screen(): Promise<string>;
  /** tmux send-keys, e.g. 'C-c'. */
  sendKeys(...keys: string[]): Promise<void>;
}

export interface TmuxRun {
  /** The screen (text only) when the command ended. */
  readonly screen: string;
  readonly exitCode: number;
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `argv` in a detached tmux session of `width` x `height` with `env`, waits for it to exit
 * (or throws after `timeoutMs`) and returns the screen it left.
 */
export async function runInTmux(
  argv: readonly string[],
  options: {
    env: Readonly<Record<string, string | undefined>>;
    width?: number;
    height?: number;
    timeoutMs?: number;
    /** Runs while the command does, e.g. to press Ctrl-C once something shows. */
    interact?: (control: TmuxControl) => Promise<void>;
  },
): Promise<TmuxRun> {
  const socket = `openclaw-test-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'openclaw-tmux-'));
  const exitFile = path.join(dir, 'exit');
  // -u and a UTF-8 locale: otherwise tmux stores the half blocks as "_".
  const tmux = (args: string[]) => execa('tmux', ['-u', '-L', socket, ...args], { reject: false, env: { LC_ALL: 'C.UTF-8' } });
  const envArgs = Object.entries(options.env).flatMap(([key, value]) => (value === undefined ? [] : ['-e', `${key}=${value}`]));
  // The shell stays after the command so the screen can be read; the exit code goes to a file. Its
  // INT trap (not an ignore, which children would inherit) keeps Ctrl-C for the command alone.
  const script = `trap 'true' INT; ${argv.map(quote).join(' ')}; echo $? > ${quote(exitFile)}; sleep 600`;
  try {
    const started = await tmux(['new-session', '-d', '-x', String(options.width ?? 120), '-y', String(options.height ?? 60), ...envArgs, 'sh', '-c', script]);
    if (started.exitCode !== 0) throw new Error(`tmux new-session failed: ${started.stderr}`);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    if (options.interact) {
      await options.interact({
        screen: async () => (await tmux(['capture-pane', '-p'])).stdout,
        sendKeys: async (...keys) => {
          await tmux(['send-keys', ...keys]);
        },
      });
    }
    while (!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '') {
      if (Date.now() > deadline) {
        const screen = (await tmux(['capture-pane', '-p'])).stdout;
        throw new Error(`the command did not finish in tmux; screen:\n${screen}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const screen = (await tmux(['capture-pane', '-p'])).stdout;
    return { screen, exitCode: Number(readFileSync(exitFile, 'utf8').trim()) };
  } finally {
    await tmux(['kill-server']);
    rmSync(dir, { recursive: true, force: true });
  }
}

// X programs that put something known on a display and record what reaches it, for tests that look
// at a screen through VNC: ImageMagick's `display` shows a picture, `xev` prints input events.
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';

export interface XProgram {
  /** Everything the program printed so far. */
  output(): string;
  stop(): Promise<void>;
}

function startX(display: string, file: string, args: readonly string[]): { child: ResultPromise; output: () => string } {
  // xev writes through stdio: line-buffer it so events show up as they happen, not at exit.
  const child = execa('stdbuf', ['-oL', file, ...args], {
    env: { DISPLAY: display, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    cleanup: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { child, output: () => text };
}

function xdotool(display: string, args: readonly string[]) {
  return execa('xdotool', args, { env: { DISPLAY: display, PATH: process.env.PATH ?? '/usr/bin:/bin' }, extendEnv: false, reject: false });
}

/** Waits until a visible window called `name` exists; returns its id. */
async function waitForWindow(display: string, name: string, child: ResultPromise, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null && child.exitCode !== undefined) throw new Error(`${child.spawnargs.join(' ')} exited (${child.exitCode})`);
    const found = await xdotool(display, ['search', '--onlyvisible', '--name', `^${name}$`]);
    const id = found.stdout.trim().split('\n')[0];
    if (found.exitCode === 0 && id) return id;
    await sleep(200);
  }
  throw new Error(`no window "${name}" appeared on ${display} within ${timeoutMs} ms`);
}

const stopper = (child: ResultPromise) => async (): Promise<void> => {
  child.kill('SIGTERM');
  await child.catch(() => undefined);
};

/** Shows `pngPath` in a borderless window at x, y (no window manager: it stays where it is put). */
export async function showPicture(display: string, pngPath: string, x: number, y: number): Promise<XProgram> {
  const name = `picture-${process.pid}`;
  const { child, output } = startX(display, 'display', ['-title', name, '-geometry', `+${x}+${y}`, '-borderwidth', '0', pngPath]);
  await waitForWindow(display, name, child);
  return { output, stop: stopper(child) };
}

/**
 * An xev window (width x height at x, y) that prints the key and button events it receives. It is
 * given the keyboard focus: without a window manager a click does not move it, and the instance's
 * Chromium takes it when it starts.
 */
export async function recordInput(display: string, geometry: { x: number; y: number; width: number; height: number }): Promise<XProgram> {
  const name = `input-recorder-${process.pid}`;
  const { child, output } = startX(display, 'xev', [
    '-name', name, '-geometry', `${geometry.width}x${geometry.height}+${geometry.x}+${geometry.y}`, '-event', 'keyboard', '-event', 'button',
  ]);
  const id = await waitForWindow(display, name, child);
  const focused = await xdotool(display, ['windowfocus', '--sync', id]);
  if (focused.exitCode !== 0) throw new Error(`xdotool windowfocus failed: ${focused.stderr}`);
  return { output, stop: stopper(child) };
}

/** The keysym names of the KeyPress events in xev output, in order. */
export function pressedKeys(xevOutput: string): string[] {
  return [...xevOutput.matchAll(/KeyPress event[\s\S]*?\(keysym 0x[0-9a-f]+, ([^)]+)\)/g)].map((m) => m[1] ?? '');
}

/** The buttons of the ButtonPress events in xev output, in order. */
export function pressedButtons(xevOutput: string): number[] {
  return [...xevOutput.matchAll(/ButtonPress event[\s\S]*?button (\d+)/g)].map((m) => Number(m[1]));
}

// What a command gets from cli.ts: the streams, the Ctrl-C signal, the clock and the options every
// command shares. Commands return an exit code or throw one of the CLI's errors.
import type { Output } from '../qr-screen.js';

export interface CommandIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Aborted on Ctrl-C (SIGINT). */
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** ANSI colours allowed. */
  readonly colors: boolean;
}

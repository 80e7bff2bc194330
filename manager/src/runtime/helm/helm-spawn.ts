// Runs helm. The one module the helm runtime's unit tests replace; everything above it is pure or
// talks to this through the HelmRunner type.
import { CommandNotStarted, runCommand } from '../../process/spawn.js';
import { HelmCommandFailed, HelmNotFound, scrubSecrets } from './helm-errors.js';

export interface HelmRunOptions {
  readonly helmBin: string;
  readonly env: Readonly<Record<string, string>>;
  /** Values scrubbed from stderr before it goes into an error (user secrets, tokens). */
  readonly redact?: readonly string[];
  /** Kill helm after this long (default 10 min; helm's own --timeout should fire first). */
  readonly timeoutMs?: number;
}

/** Runs `helm <args>` and returns its stdout; HelmNotFound / HelmCommandFailed otherwise. */
export type HelmRunner = (args: readonly string[], options: HelmRunOptions) => Promise<string>;

export const runHelm: HelmRunner = async (args, options) => {
  let result;
  try {
    result = await runCommand(options.helmBin, args, { env: options.env, timeoutMs: options.timeoutMs ?? 600_000 });
  } catch (err) {
    if (err instanceof CommandNotStarted) throw new HelmNotFound(options.helmBin, { cause: err });
    throw err;
  }
  if (result.exitCode !== 0 || result.timedOut) {
    throw new HelmCommandFailed(args, result.exitCode, scrubSecrets(result.stderr, options.redact ?? []), result.timedOut);
  }
  return result.stdout;
};

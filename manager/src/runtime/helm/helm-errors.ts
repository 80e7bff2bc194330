// Typed failures of running helm. They carry what an operator needs (args, exit code, stderr) with
// every known secret value scrubbed out of stderr.

export class HelmNotFound extends Error {
  constructor(
    readonly helmBin: string,
    options?: { cause?: unknown },
  ) {
    super(`helm is not installed (or HELM_BIN is wrong): cannot run "${helmBin}"`, options);
    this.name = 'HelmNotFound';
  }
}

export class HelmCommandFailed extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    readonly timedOut = false,
  ) {
    const why = timedOut ? 'timed out' : `exited with code ${exitCode}`;
    super(`helm ${args[0] ?? ''} ${why}: ${firstLine(stderr)}`);
    this.name = 'HelmCommandFailed';
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n').find((line) => line.trim() !== '')?.trim() ?? '(no output)';
}

/** Replaces each secret (non-empty, >= 4 chars to avoid mangling ordinary words) with [REDACTED]. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[REDACTED]');
  }
  return out;
}

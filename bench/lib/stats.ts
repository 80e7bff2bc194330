// Numbers for benchmark reports: percentiles, medians, and one way of printing them.

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const ms = (n: number): string => `${n.toFixed(2)} ms`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Milliseconds `fn` took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** "target met" / "target MISSED", for the last line of a benchmark. */
export const verdict = (met: boolean): string => (met ? 'target met' : 'target MISSED');

/** The machine, for the record next to the numbers. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const { readFileSync } = await import('node:fs');
  let distro: string = os.platform();
  try {
    distro = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch {
    // not Linux
  }
  return `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${distro}, node ${process.version}`;
}

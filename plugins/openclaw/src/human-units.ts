// How times, sizes and durations read in the plugin's output: short, in UTC, and as given when a
// value does not parse.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** ISO 8601 to the second, in UTC. @example utcTime('2026-01-02T03:04:05.678Z') // '2026-01-02 03:04:05Z' */
export function utcTime(at: string): string {
  const time = Date.parse(at);
  return Number.isNaN(time) ? at : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Binary units, one decimal below 10. @example humanBytes(1_258_291) // '1.2 MiB' */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

/** Rounded to the second, in the form --timeout takes. @example humanDuration(5_430_000) // '1h30m30s' */
export function humanDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const parts: [number, string][] = [[Math.floor(total / 3600), 'h'], [Math.floor((total % 3600) / 60), 'm'], [total % 60, 's']];
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('') || '0s';
}

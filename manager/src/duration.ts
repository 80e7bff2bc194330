// Durations as operators write them: 90s, 30m, 2h, 1h30m, 1d, 500ms. In settings a unit is required
// (a bare "30" could mean seconds or minutes), so a typo never silently becomes another duration; a
// command-line flag may say which unit a bare number has (`helm openclaw pair --timeout 90`).

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const BARE = /^\d+(?:\.\d+)?$/;

export interface DurationOptions {
  /** The unit of a bare number; without it a bare number is not a duration. */
  readonly bareUnit?: keyof typeof UNIT_MS;
}

/**
 * Milliseconds for a duration like 30m, 2h, 90s or 1h30m; undefined when it is not one.
 * @example parseDuration('1h30m') // 5400000
 * @example parseDuration('45', { bareUnit: 's' }) // 45000
 */
export function parseDuration(text: string, options: DurationOptions = {}): number | undefined {
  const trimmed = text.trim();
  if (options.bareUnit !== undefined && BARE.test(trimmed)) return Math.round(Number(trimmed) * UNIT_MS[options.bareUnit]);
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Math.round(total);
}

/** A short human form of a duration, e.g. 5400000 -> "1h30m", 2500 -> "2.5s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${unit}`);
  }
  return parts.join('');
}

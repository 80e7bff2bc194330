// How long ago something happened, in the few words a table cell has room for.

const UNITS: readonly (readonly [number, string])[] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; `never` for null. */
export function timeAgo(iso: string | null, now: number, never = 'never'): string {
  if (iso === null) return never;
  const elapsed = now - Date.parse(iso);
  if (!Number.isFinite(elapsed)) return never;
  if (elapsed < 5000) return 'just now';
  for (const [size, unit] of UNITS) {
    if (elapsed >= size) return `${Math.floor(elapsed / size)} ${unit} ago`;
  }
  return 'just now';
}

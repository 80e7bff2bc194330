// ANSI sequences that redraw a block of lines in place, pure. The cursor always rests at the start of
// the line below the block, so redrawing means: up N lines, rewrite each, clear what is left.

const ESC = '\u001b[';

/** Text that replaces the `previousLines` lines above the cursor with `lines`. */
export function redrawBlock(previousLines: number, lines: readonly string[]): string {
  const up = previousLines > 0 ? `${ESC}${previousLines}F` : '';
  return `${up}${lines.map((line) => `${ESC}2K${line}\n`).join('')}${ESC}J`;
}

/** Text that replaces only the last line above the cursor (the status line under a QR). */
export function redrawLastLine(line: string): string {
  return `${ESC}1F${ESC}2K${line}\n`;
}

/**
 * m:ss for a countdown, never negative.
 * @example formatTimeLeft(161_000) // '2:41'
 */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

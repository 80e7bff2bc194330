// Draws a QR code as terminal text, pure: two module rows per line with Unicode half blocks, dark
// modules on a light background with a quiet zone, so a phone can scan it off a normal terminal.
import { decodePngDataUrl, readQrMatrix, type QrMatrix } from './qr-modules.js';

export interface QrTerminalOptions {
  /** Light modules around the symbol (default 2; phones read 2 reliably and it saves 4 lines). */
  readonly quietZone?: number;
  /**
   * Paint black on bright white with ANSI colours (default true), which works on any theme. Without
   * colours the blocks draw the LIGHT modules, for the usual light-on-dark terminal.
   */
  readonly colors?: boolean;
}

const FULL = '█';
const UPPER = '▀';
const LOWER = '▄';
const BLANK = ' ';
const DARK_ON_WHITE = '\u001b[30;107m';
const RESET = '\u001b[0m';

/** The character for two stacked modules, each true when it is drawn (ink). */
export function halfBlock(top: boolean, bottom: boolean): string {
  if (top && bottom) return FULL;
  if (top) return UPPER;
  if (bottom) return LOWER;
  return BLANK;
}

/** Whether each half of a drawn character has ink; the inverse of halfBlock. */
export function inkOf(char: string): { top: boolean; bottom: boolean } {
  return { top: char === FULL || char === UPPER, bottom: char === FULL || char === LOWER };
}

/**
 * The lines that draw `matrix` (no trailing newline), ceil((n + 2 * quietZone) / 2) of them, each
 * n + 2 * quietZone columns wide.
 */
export function renderQrMatrix(matrix: QrMatrix, options: QrTerminalOptions = {}): string[] {
  const quiet = Math.max(0, Math.trunc(options.quietZone ?? 2));
  const colors = options.colors ?? true;
  const side = matrix.length + 2 * quiet;
  const dark = (row: number, col: number): boolean => matrix[row - quiet]?.[col - quiet] === true;
  // With colours the ink is the dark modules; without, the terminal's light text is the light ones.
  const ink = (row: number, col: number): boolean => (row < side && col < side ? dark(row, col) === colors : false);

  const lines: string[] = [];
  for (let row = 0; row < side; row += 2) {
    let line = '';
    for (let col = 0; col < side; col++) line += halfBlock(ink(row, col), ink(row + 1, col));
    lines.push(colors ? `${DARK_ON_WHITE}${line}${RESET}` : line);
  }
  return lines;
}

/** Terminal lines for a `data:image/png;base64,...` QR. @throws QrImageUnreadable */
export function renderQrDataUrl(dataUrl: string, options: QrTerminalOptions = {}): string[] {
  return renderQrMatrix(readQrMatrix(decodePngDataUrl(dataUrl)), options);
}

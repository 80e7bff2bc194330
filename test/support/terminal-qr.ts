// Reads a QR back off terminal text: every half-block character becomes two module-high pixel
// blocks of a bitmap, which jsQR (a real QR decoder) then decodes. Proves a drawn QR is scannable.
import jsQRModule from 'jsqr';
import { inkOf } from '../../plugins/openclaw/src/qr-terminal.js';

// jsqr is CommonJS whose module.exports is the function and also carries it as `default`; its
// typings only declare the latter.
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export interface RasterOptions {
  /** Pixels per module (default 4). */
  readonly scale?: number;
  /** Whether the ink is dark (the coloured rendering) or light (plain, light text on dark). */
  readonly inkIsDark: boolean;
}

/** Re-rasterizes drawn QR lines into RGBA, with the terminal's background around them. */
export function rasterize(lines: readonly string[], options: RasterOptions): { data: Uint8ClampedArray; width: number; height: number } {
  const scale = options.scale ?? 4;
  const rows = lines.map((line) => [...stripAnsi(line)]);
  const columns = Math.max(...rows.map((r) => r.length));
  // A margin of terminal background (light behind dark ink, dark behind light ink).
  const margin = 4;
  const width = (columns + 2 * margin) * scale;
  const height = (rows.length * 2 + 2 * margin) * scale;
  const background = options.inkIsDark ? 255 : 0;
  const ink = options.inkIsDark ? 0 : 255;
  const data = new Uint8ClampedArray(width * height * 4).fill(background);
  const paint = (moduleX: number, moduleY: number, value: number): void => {
    for (let y = 0; y < scale; y++) {
      for (let x = 0; x < scale; x++) {
        const i = (((moduleY + margin) * scale + y) * width + (moduleX + margin) * scale + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = value;
      }
    }
  };
  for (let i = 0; i < width * height; i++) data[i * 4 + 3] = 255;
  rows.forEach((chars, row) =>
    chars.forEach((char, col) => {
      const { top, bottom } = inkOf(char);
      paint(col, row * 2, top ? ink : background);
      paint(col, row * 2 + 1, bottom ? ink : background);
    }),
  );
  return { data, width, height };
}

/** The text of the QR drawn by `lines`, or undefined when it does not decode (normal polarity only). */
export function decodeTerminalQr(lines: readonly string[], options: RasterOptions): string | undefined {
  const { data, width, height } = rasterize(lines, options);
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data;
}

// Reads the module grid of a QR code out of a PNG, pure. The gateway renders QRs with the `qrcode`
// library (scale 6, 4-module margin), but nothing here depends on that: the module size comes from
// the top-left finder pattern, whose first row and column are 7 dark modules.
import { PNG } from 'pngjs';

/** A QR's modules, row by row; true = dark. Square, 21..177 modules, without the quiet zone. */
export type QrMatrix = readonly (readonly boolean[])[];

export class QrImageUnreadable extends Error {
  constructor(reason: string) {
    super(`The QR image cannot be read: ${reason}`);
    this.name = 'QrImageUnreadable';
  }
}

const DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/=\s]+)$/;

/** The PNG bytes of a `data:image/png;base64,...` URL. */
export function decodePngDataUrl(dataUrl: string): Buffer {
  const match = DATA_URL.exec(dataUrl);
  if (!match?.[1]) throw new QrImageUnreadable('not a data:image/png;base64 URL');
  return Buffer.from(match[1], 'base64');
}

interface Bitmap {
  readonly width: number;
  readonly height: number;
  dark(x: number, y: number): boolean;
}

function bitmapOf(png: Buffer): Bitmap {
  let image: PNG;
  try {
    image = PNG.sync.read(png);
  } catch (err) {
    throw new QrImageUnreadable(`not a PNG (${err instanceof Error ? err.message : String(err)})`);
  }
  const { width, height, data } = image;
  return {
    width,
    height,
    // Transparent pixels count as light: they show the page behind, which is the quiet zone.
    dark(x, y) {
      const i = (y * width + x) * 4;
      const alpha = data[i + 3] ?? 0;
      if (alpha < 128) return false;
      const luminance = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
      return luminance < 128;
    },
  };
}

function darkBounds(bitmap: Bitmap): { left: number; top: number; right: number; bottom: number } {
  let left = bitmap.width;
  let top = bitmap.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      if (!bitmap.dark(x, y)) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) throw new QrImageUnreadable('the image has no dark pixels');
  return { left, top, right, bottom };
}

function run(length: number, dark: (i: number) => boolean): number {
  let i = 0;
  while (i < length && dark(i)) i++;
  return i;
}

const FINDER: readonly string[] = ['1111111', '1000001', '1011101', '1011101', '1011101', '1000001', '1111111'];

function hasFinderAt(matrix: QrMatrix, row: number, col: number): boolean {
  return FINDER.every((line, dy) => [...line].every((bit, dx) => matrix[row + dy]?.[col + dx] === (bit === '1')));
}

/**
 * The module grid of a QR PNG: finds the symbol (the box of dark pixels), its module size from the
 * top-left finder pattern, snaps the side to a valid QR size (17 + 4 * version) and samples each
 * module at its centre. Checks the three finder patterns so a wrong guess fails loudly.
 * @throws QrImageUnreadable
 */
export function readQrMatrix(png: Buffer): QrMatrix {
  const bitmap = bitmapOf(png);
  const box = darkBounds(bitmap);
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  const across = run(width, (i) => bitmap.dark(box.left + i, box.top));
  const down = run(height, (i) => bitmap.dark(box.left, box.top + i));
  const moduleGuess = (across + down) / 14;
  if (moduleGuess < 1) throw new QrImageUnreadable('no finder pattern in the top-left corner');
  const version = Math.round((width / moduleGuess - 17) / 4);
  if (version < 1 || version > 40) throw new QrImageUnreadable(`the symbol is ${Math.round(width / moduleGuess)} modules wide`);
  const size = 17 + 4 * version;
  const moduleWidth = width / size;
  const moduleHeight = height / size;

  const matrix: boolean[][] = [];
  for (let row = 0; row < size; row++) {
    const y = Math.min(bitmap.height - 1, Math.floor(box.top + (row + 0.5) * moduleHeight));
    const line: boolean[] = [];
    for (let col = 0; col < size; col++) {
      const x = Math.min(bitmap.width - 1, Math.floor(box.left + (col + 0.5) * moduleWidth));
      line.push(bitmap.dark(x, y));
    }
    matrix.push(line);
  }
  if (!hasFinderAt(matrix, 0, 0) || !hasFinderAt(matrix, 0, size - 7) || !hasFinderAt(matrix, size - 7, 0)) {
    throw new QrImageUnreadable(`no finder patterns on a ${size}x${size} grid`);
  }
  return matrix;
}

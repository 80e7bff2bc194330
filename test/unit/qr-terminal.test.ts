// The terminal QR: real QR PNGs (qrcode, the library the gateway renders with) drawn as half blocks,
// then read back off the text by a real decoder (jsQR): the drawing is scannable and says the same.
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QrImageUnreadable, readQrMatrix } from '../../plugins/openclaw/src/qr-modules.js';
import { halfBlock, inkOf, renderQrDataUrl, renderQrMatrix } from '../../plugins/openclaw/src/qr-terminal.js';
import { decodeTerminalQr, stripAnsi } from '../support/terminal-qr.js';

const WHATSAPP_LIKE =
  '2@Q2xhd3Rlc3RQYWlyaW5nUmVmZXJlbmNlMDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6,' +
  'dGVzdC1ub2lzZS1rZXktMDAwMDAwMDAwMDAwMDAwMDA=,dGVzdC1pZGVudGl0eS1rZXktMDAwMDAwMDAwMDA=,c2VjcmV0LWJhc2U2NC0wMA==';

const png = (text: string, options: QRCode.QRCodeToDataURLOptions): Promise<string> => QRCode.toDataURL(text, options);

describe('QR drawn in the terminal reads back as the same QR', () => {
  it.each([
    { name: 'gateway rendering (scale 6, margin 4), colours', text: WHATSAPP_LIKE, scale: 6, margin: 4, colors: true, quietZone: 2 },
    { name: 'gateway rendering, plain (light text on dark)', text: WHATSAPP_LIKE, scale: 6, margin: 4, colors: false, quietZone: 2 },
    { name: 'ISO quiet zone of 4', text: WHATSAPP_LIKE, scale: 6, margin: 4, colors: true, quietZone: 4 },
    { name: 'one pixel per module, no margin', text: WHATSAPP_LIKE, scale: 1, margin: 0, colors: true, quietZone: 2 },
    { name: 'odd scale', text: WHATSAPP_LIKE, scale: 3, margin: 1, colors: true, quietZone: 2 },
    { name: 'smallest symbol (version 1, 21 modules)', text: 'hi', scale: 8, margin: 2, colors: true, quietZone: 2 },
    { name: 'odd module count with an odd quiet zone', text: 'openclaw', scale: 5, margin: 4, colors: true, quietZone: 1 },
    { name: 'high error correction, large symbol', text: WHATSAPP_LIKE.repeat(2), scale: 4, margin: 4, colors: true, quietZone: 2, level: 'H' as const },
  ])('$name', async ({ text, scale, margin, colors, quietZone, level }) => {
    const dataUrl = await png(text, { scale, margin, ...(level ? { errorCorrectionLevel: level } : {}) });
    const lines = renderQrDataUrl(dataUrl, { colors, quietZone });
    expect(decodeTerminalQr(lines, { inkIsDark: colors })).toBe(text);
  });

  it('decodes nothing once the drawing is damaged or read with the wrong polarity (the decoder is strict)', async () => {
    const lines = renderQrDataUrl(await png(WHATSAPP_LIKE, { scale: 6, margin: 4 }), { colors: true });
    expect(decodeTerminalQr(lines, { inkIsDark: false })).toBeUndefined();
    const damaged = lines.map((line, i) => (i >= 1 && i <= 4 ? stripAnsi(line).replace(/^(.{2}).{7}/, '$1       ') : line));
    expect(decodeTerminalQr(damaged, { inkIsDark: true })).toBeUndefined();
  });

  it('has exactly the modules of the symbol the library made', async () => {
    const symbol = QRCode.create(WHATSAPP_LIKE, {});
    const matrix = readQrMatrix(Buffer.from((await png(WHATSAPP_LIKE, { scale: 6, margin: 4 })).split(',')[1] ?? '', 'base64'));
    expect(matrix.length).toBe(symbol.modules.size);
    const expected = Array.from({ length: symbol.modules.size }, (_, row) =>
      Array.from({ length: symbol.modules.size }, (_, col) => symbol.modules.get(row, col) === 1),
    );
    expect(matrix).toEqual(expected);
  });

  it('draws two module rows per line, quiet zone included, dark on bright white', async () => {
    const size = QRCode.create(WHATSAPP_LIKE, {}).modules.size;
    const lines = renderQrDataUrl(await png(WHATSAPP_LIKE, { scale: 6, margin: 4 }), { quietZone: 2 });
    expect(lines).toHaveLength(Math.ceil((size + 4) / 2));
    for (const line of lines) {
      expect(line.startsWith('\u001b[30;107m')).toBe(true);
      expect(line.endsWith('\u001b[0m')).toBe(true);
      expect([...stripAnsi(line)]).toHaveLength(size + 4);
    }
    // The quiet zone: first line blank (light), finder pattern starts after 2 blank columns.
    expect(stripAnsi(lines[0] ?? '').trim()).toBe('');
    expect(stripAnsi(lines[1] ?? '').slice(0, 3)).toBe('  █');
  });
});

describe('half blocks', () => {
  it.each([
    { top: true, bottom: true, char: '█' },
    { top: true, bottom: false, char: '▀' },
    { top: false, bottom: true, char: '▄' },
    { top: false, bottom: false, char: ' ' },
  ])('$top/$bottom -> "$char" and back', ({ top, bottom, char }) => {
    expect(halfBlock(top, bottom)).toBe(char);
    expect(inkOf(char)).toEqual({ top, bottom });
  });

  it('renders a tiny matrix exactly', () => {
    expect(renderQrMatrix([[true, false], [false, true]], { quietZone: 0, colors: false })).toEqual(['▄▀']);
    expect(renderQrMatrix([[true, false], [false, true]], { quietZone: 0, colors: true })).toEqual(['\u001b[30;107m▀▄\u001b[0m']);
  });
});

describe('images that are not a readable QR fail with QrImageUnreadable', () => {
  const blank = (): string => {
    const image = new PNG({ width: 40, height: 40 });
    image.data.fill(255);
    return `data:image/png;base64,${PNG.sync.write(image).toString('base64')}`;
  };
  const noise = (): string => {
    const image = new PNG({ width: 64, height: 64 });
    for (let i = 0; i < image.data.length; i += 4) {
      const v = (i * 7919) % 13 < 6 ? 0 : 255;
      image.data[i] = image.data[i + 1] = image.data[i + 2] = v;
      image.data[i + 3] = 255;
    }
    return `data:image/png;base64,${PNG.sync.write(image).toString('base64')}`;
  };

  it.each([
    { name: 'not a data URL', input: 'https://example.com/qr.png', message: 'not a data:image/png;base64 URL' },
    { name: 'not a PNG', input: `data:image/png;base64,${Buffer.from('hello').toString('base64')}`, message: 'not a PNG' },
    { name: 'all white', input: blank(), message: 'no dark pixels' },
    { name: 'noise', input: noise(), message: 'The QR image cannot be read' },
  ])('$name', ({ input, message }) => {
    expect(() => renderQrDataUrl(input)).toThrow(QrImageUnreadable);
    expect(() => renderQrDataUrl(input)).toThrow(message);
  });
});

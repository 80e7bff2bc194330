// The viewer in a real browser: an instance of the local runtime (the instance entrypoint with Xvfb,
// x11vnc, websockify, Chromium and the gateway) is created through the API; headless Chromium opens
// /viewer/:userId with a ticket from the API, noVNC connects through the manager, the screenshot
// shows a picture put on the instance's display, and a click and typed keys reach a window there.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PNG } from 'pngjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../manager/src/logger.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { LocalRuntime } from '../../manager/src/runtime/local/local-runtime.js';
import { ensureOpenclaw } from '../support/gateway-instance.js';
import { startVncManager, type VncManager } from '../support/vnc-manager.js';
import { openWebSocket } from '../support/ws-client.js';
import { pressedButtons, pressedKeys, recordInput, showPicture, type XProgram } from '../support/x11-apps.js';

const USER = 'viewer-e2e';
// The instance entrypoint's Xvfb screen.
const SCREEN = { width: 1280, height: 800 };
const PICTURE = { x: 0, y: 0, width: 400, height: 300 };
const RECORDER = { x: 600, y: 400, width: 300, height: 200 };
type Rgb = readonly [number, number, number];
// One distinct color per quadrant, so a shifted, mirrored or mis-scaled screen fails.
const QUADRANTS: readonly { name: string; color: Rgb; dx: number; dy: number }[] = [
  { name: 'top-left', color: [220, 40, 30], dx: 0, dy: 0 },
  { name: 'top-right', color: [30, 190, 60], dx: 1, dy: 0 },
  { name: 'bottom-left', color: [30, 60, 220], dx: 0, dy: 1 },
  { name: 'bottom-right', color: [240, 210, 30], dx: 1, dy: 1 },
];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const root = path.resolve(import.meta.dirname, '../..');
const outputDir = path.join(root, '.test-output');

function quadrantPicture(): Buffer {
  const png = new PNG({ width: PICTURE.width, height: PICTURE.height });
  for (let y = 0; y < PICTURE.height; y += 1) {
    for (let x = 0; x < PICTURE.width; x += 1) {
      const q = QUADRANTS.find((c) => c.dx === (x < PICTURE.width / 2 ? 0 : 1) && c.dy === (y < PICTURE.height / 2 ? 0 : 1));
      const i = (y * PICTURE.width + x) * 4;
      png.data.set([...(q?.color ?? [0, 0, 0]), 255], i);
    }
  }
  return PNG.sync.write(png);
}

interface CanvasBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Page coordinates of remote-screen point (rx, ry) in the scaled canvas. */
const toPage = (box: CanvasBox, rx: number, ry: number): [number, number] => [
  box.x + (rx * box.width) / SCREEN.width,
  box.y + (ry * box.height) / SCREEN.height,
];

function pixel(png: PNG, x: number, y: number): Rgb {
  const i = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[i] ?? 0, png.data[i + 1] ?? 0, png.data[i + 2] ?? 0];
}

const close = (a: Rgb, b: Rgb, tolerance = 24): boolean => a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tolerance);

/** The quadrant colors found at the center of each quadrant in a screenshot, by name. */
function sampleQuadrants(png: PNG, box: CanvasBox): Record<string, Rgb> {
  const found: Record<string, Rgb> = {};
  for (const q of QUADRANTS) {
    const rx = PICTURE.x + (q.dx + 0.5) * (PICTURE.width / 2);
    const ry = PICTURE.y + (q.dy + 0.5) * (PICTURE.height / 2);
    found[q.name] = pixel(png, ...toPage(box, rx, ry));
  }
  return found;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('the VNC viewer in headless Chromium', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vnc-viewer-e2e-'));
  let runtime: LocalRuntime;
  let manager: VncManager;
  let browser: Browser;
  let page: Page;
  let picture: XProgram;
  let recorder: XProgram;
  let box: CanvasBox;

  const ticket = async (): Promise<{ url: string; viewerUrl: string }> => {
    const res = await manager.http.request('POST', `/api/instances/${USER}/vnc/ticket`, { key: manager.apiKey });
    expect(res.status).toBe(200);
    return res.body as { url: string; viewerUrl: string };
  };

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    runtime = new LocalRuntime({
      dataDir,
      entrypoint: path.join(root, 'scripts/instance-entrypoint.sh'),
      openclawBin: ensureOpenclaw(),
      baseEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
      logger: createLogger('silent'),
    });
    await runtime.start();
    manager = await startVncManager({ runtime, maxViewersPerInstance: 2 });
    const created = await manager.http.request('POST', '/api/instances', { key: manager.apiKey, body: { userId: USER } });
    expect([201, 202]).toContain(created.status);
    // The first start of an instance installs the WhatsApp plugin into its state: give it time.
    const instance = await until('the instance to be ready', async () => {
      const res = await manager.http.request('GET', `/api/instances/${USER}`, { key: manager.apiKey });
      const body = res.body as Instance;
      if (body.phase === 'Failed') throw new Error(`instance failed: ${body.message}`);
      return body.ready ? body : undefined;
    }, 300_000);
    const browserInfo = instance.runtime.browser as { enabled: boolean; display?: string; missing?: string[] };
    expect(browserInfo, 'the local runtime found Xvfb, x11vnc, websockify and Chromium').toMatchObject({ enabled: true });
    const display = browserInfo.display ?? '';
    const picturePath = path.join(dataDir, 'quadrants.png');
    writeFileSync(picturePath, quadrantPicture());
    // Mapped after the instance's Chromium, so (without a window manager) on top of it.
    picture = await showPicture(display, picturePath, PICTURE.x, PICTURE.y);
    recorder = await recordInput(display, RECORDER);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    // Smaller than the remote screen, so scaleViewport has to shrink it.
    page = await browser.newPage({ viewport: { width: 800, height: 560 } });
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.stop();
    await picture?.stop();
    await runtime?.delete(USER, { purge: true }).catch(() => undefined);
    await manager?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('connects with a ticket from the API and shows the remote picture, scaled to the window', async () => {
    const { viewerUrl } = await ticket();
    await page.goto(`${manager.http.url}${viewerUrl}`);
    await page.waitForSelector('body[data-state="connected"]', { timeout: 60_000 });
    // The ticket is gone from the address bar once used.
    expect(new URL(page.url()).search).toBe('');
    expect(manager.vnc.sessions.count(USER)).toBe(1);
    // Its ticket is used up: the link does not even load the page again.
    const used = await manager.http.request('GET', viewerUrl);
    expect(used).toMatchObject({ status: 401, body: { code: 'VNC_TICKET_USED' } });

    const canvas = page.locator('#screen canvas');
    box = await until('the canvas to be laid out', async () => (await canvas.boundingBox()) ?? undefined);
    expect(box.width).toBeLessThan(SCREEN.width);
    expect(box.width / box.height).toBeCloseTo(SCREEN.width / SCREEN.height, 1);

    const shotPath = path.join(outputDir, 'vnc-viewer.png');
    const colors = await until('the picture to arrive', async () => {
      const png = PNG.sync.read(await page.screenshot({ path: shotPath }));
      const found = sampleQuadrants(png, box);
      return QUADRANTS.every((q) => close(found[q.name] ?? [0, 0, 0], q.color)) ? found : undefined;
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; last screenshot in ${shotPath}`);
    });
    for (const q of QUADRANTS) expect(close(colors[q.name] ?? [0, 0, 0], q.color), q.name).toBe(true);
    // Outside the picture is the dark root window, not a picture color.
    const png = PNG.sync.read(await page.screenshot());
    for (const [rx, ry] of [[PICTURE.width + 50, PICTURE.height / 2], [PICTURE.width / 2, PICTURE.height + 50]] as const) {
      const outside = pixel(png, ...toPage(box, rx, ry));
      expect(QUADRANTS.some((q) => close(outside, q.color)), `remote (${rx}, ${ry}) = ${outside.join(',')}`).toBe(false);
    }
  });

  it('a click and typed keys reach the window under the pointer on the remote display', async () => {
    const [x, y] = toPage(box, RECORDER.x + RECORDER.width / 2, RECORDER.y + RECORDER.height / 2);
    await page.mouse.click(x, y);
    await until('the click to reach xev', async () => (pressedButtons(recorder.output()).includes(1) ? true : undefined));
    await page.keyboard.type('hello vnc');
    const keys = await until('the keys to reach xev', async () => {
      const pressed = pressedKeys(recorder.output());
      return pressed.length >= 9 ? pressed : undefined;
    });
    expect(keys).toEqual(['h', 'e', 'l', 'l', 'o', 'space', 'v', 'n', 'c']);
  });

  it('a refused connect shows as failed in the page and leaves the ticket for a retry', async () => {
    const { viewerUrl } = await ticket();
    // The viewer above holds one of the two slots; this takes the other, so the page's connect gets 429.
    const blocker = await openWebSocket(manager.wsUrl(`/api/instances/${USER}/vnc?token=${encodeURIComponent(manager.apiKey)}`), ['binary']);
    const other = await browser.newPage();
    try {
      // The page load only checks the ticket; the refused WebSocket is what the page reports.
      const loaded = await other.goto(`${manager.http.url}${viewerUrl}`);
      expect(loaded?.status()).toBe(200);
      await other.waitForSelector('body[data-state="failed"]', { timeout: 60_000 });
      expect(await other.locator('#status').textContent()).toMatch(/failed or was refused/);
      blocker.close();
      await until('the slot to free', async () => (manager.vnc.sessions.count(USER) === 1 ? true : undefined));
      // The refusal came before the ticket was used: the same link now connects.
      await other.goto(`${manager.http.url}${viewerUrl}`);
      await other.waitForSelector('body[data-state="connected"]', { timeout: 60_000 });
      expect(manager.vnc.sessions.count(USER)).toBe(2);
    } finally {
      blocker.terminate();
      await other.close();
    }
  });
});

// The hosted WhatsApp pairing page in a real browser (headless Chromium through playwright-core).
// Against the protocol-checked WhatsApp gateway double: the QR on screen, read back from screenshots
// with jsQR, is the double's; its rotation is redrawn; the link ends linked; a reused or expired link
// is refused in words; a reload picks the session up; nothing the page sends or receives holds the
// API key or the gateway token. It also writes the README's screenshots at phone and desktop sizes.
// Against the real gateway, offline: the page says the login failed and offers the tries left.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { createPairingServices } from '../../manager/src/pairing/pairing-services.js';
import { startInstance, type GatewayInstance } from '../support/gateway-instance.js';
import { TEST_API_KEY, startTestManager, type TestManager } from '../support/manager-app.js';
import { MemoryRuntime } from '../support/memory-runtime.js';
import { startWhatsAppGatewayDouble, type WhatsAppGatewayDouble, type WhatsAppGatewayDoubleOptions } from '../support/whatsapp-gateway-double.js';

// jsqr is CommonJS whose module.exports is the function and also carries it as `default`; its
// typings only declare the latter.
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const root = path.resolve(import.meta.dirname, '../..');
const screenshotDir = path.join(root, 'docs/screenshots');
const outputDir = path.join(root, '.test-output');
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
// The README's screenshots show this QR, so the files change only when the page does.
const SCREENSHOT_QR = '2@openclaw-platform-pairing-page-example,Zm9yIHRoZSBSRUFETUUgb25seQ==,c2NyZWVuc2hvdCBRUiBjb250ZW50,b3BlbmNsYXc=';

/** The text of the QR in a screenshot of the page, or undefined when none decodes. */
async function screenQr(page: Page): Promise<string | undefined> {
  const png = PNG.sync.read(await page.screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Everything a page sends and receives: URLs, headers and bodies, as text. */
function recordTraffic(page: Page): () => Promise<string[]> {
  const entries: Promise<string>[] = [];
  page.on('request', (request) => {
    entries.push(request.allHeaders().then((headers) => `> ${request.method()} ${request.url()} ${JSON.stringify(headers)} ${request.postData() ?? ''}`));
  });
  page.on('response', (response) => {
    entries.push(
      Promise.all([response.allHeaders(), response.text().catch(() => '')]).then(([headers, body]) => `< ${response.status()} ${response.url()} ${JSON.stringify(headers)} ${body}`),
    );
  });
  return () => Promise.all(entries);
}

describe('the WhatsApp pairing page in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    mkdirSync(screenshotDir, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => browser?.close());

  describe('against the protocol-checked WhatsApp gateway double', () => {
    let double: WhatsAppGatewayDouble;
    let manager: TestManager<MemoryRuntime>;
    let pool: GatewayPool;
    const clock = { skewMs: 0 };

    const startStack = async (options: WhatsAppGatewayDoubleOptions): Promise<void> => {
      double = await startWhatsAppGatewayDouble(options);
      const runtime = new MemoryRuntime();
      runtime.readyOnCreate = true;
      runtime.target = { url: double.url, token: double.token };
      await runtime.create({ userId: 'alice', secrets: {} });
      pool = new GatewayPool();
      manager = await startTestManager({ runtime, pool, deps: { pairing: createPairingServices({ apiKey: TEST_API_KEY, now: () => Date.now() + clock.skewMs }) } });
    };

    afterEach(async () => {
      clock.skewMs = 0;
      await manager?.close();
      await pool?.closeAll();
      await double?.close();
    });

    /** A link to alice's pairing page, minted with the API key as an app backend would. */
    const link = async (): Promise<string> => {
      const res = await manager.http.request('POST', '/api/instances/alice/whatsapp/pair-ticket', { key: TEST_API_KEY });
      expect(res.status, res.text).toBe(200);
      return `${manager.http.url}${(res.body as { pageUrl: string }).pageUrl}`;
    };

    it('shows the double\'s QR, redraws it when it rotates, then says linked; no API key or gateway token on the wire', async () => {
      // Each step of the double's phone waits long enough for screenshots of the QR before it.
      await startStack({ stepDelayMs: 4_000 });
      const context = await browser.newContext(DESKTOP);
      const page = await context.newPage();
      const traffic = recordTraffic(page);
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (err) => problems.push(String(err)));
      try {
        const url = await link();
        await page.goto(url);
        await page.waitForSelector('body[data-state="ready"]');
        await page.getByRole('button', { name: 'Show the QR code' }).click();
        expect(await until('the first QR on screen', async () => ((await screenQr(page)) === double.qrContents[0] ? true : undefined), 30_000)).toBe(true);
        expect(await page.locator('#headline').textContent()).toBe('Scan this QR code with WhatsApp');
        expect(await page.locator('#countdown').textContent()).toMatch(/^This code works for [23]:\d\d more$/);
        expect(await page.locator('#how').textContent()).toContain('Settings > Linked Devices > Link a device');
        // The used ticket left the address bar.
        expect(new URL(page.url()).search).toBe('');
        expect(await until('the rotated QR on screen', async () => ((await screenQr(page)) === double.qrContents[1] ? true : undefined), 30_000)).toBe(true);
        await page.waitForSelector('body[data-state="linked"]', { timeout: 30_000 });
        expect(await page.locator('#headline').textContent()).toBe('WhatsApp is linked');
        expect(await page.locator('#detail').textContent()).toBe('✅ Linked! WhatsApp is ready. You can close this page.');
        expect(await page.locator('#qr').isVisible()).toBe(false);
        await page.screenshot({ path: path.join(outputDir, 'pairing-linked.png') });
        expect(double.linked).toBe(true);
        expect(double.calls).toEqual(['connect', 'web.login.start', 'web.login.wait', 'web.login.wait']);
        expect(double.violations).toEqual([]);

        const seen = await traffic();
        expect(seen.some((line) => line.includes('/pair/alice/wait'))).toBe(true);
        for (const line of seen) {
          expect(line).not.toContain(TEST_API_KEY);
          expect(line).not.toContain(double.token);
        }
        expect(problems).toEqual([]);

        // The link is used up: opening it again says so, in words.
        const again = await context.newPage();
        const answer = await again.goto(url);
        expect(answer?.status()).toBe(401);
        expect(await again.locator('body').getAttribute('data-state')).toBe('refused');
        expect(await again.locator('#headline').textContent()).toBe('This link cannot be used');
        expect(await again.locator('#detail').textContent()).toBe('This pairing link has been used already (each link works once); ask for a new link.');
      } finally {
        await context.close();
      }
    });

    it('a link opened in two tabs works in the first one to show the code; the other says the link was used', async () => {
      await startStack({ stepDelayMs: 600_000 });
      const context = await browser.newContext(DESKTOP);
      try {
        const url = await link();
        const [first, second] = [await context.newPage(), await context.newPage()];
        await first.goto(url);
        await second.goto(url);
        await first.getByRole('button', { name: 'Show the QR code' }).click();
        await first.waitForSelector('body[data-state="qr"]');
        await second.getByRole('button', { name: 'Show the QR code' }).click();
        await second.waitForSelector('body[data-state="refused"]');
        expect(await second.locator('#detail').textContent()).toBe('This pairing link has been used already (each link works once); ask for a new link.');
        expect(await second.locator('#action').isVisible()).toBe(false);
      } finally {
        await context.close();
      }
    });

    it('an expired link is refused in words', async () => {
      await startStack({});
      const context = await browser.newContext(PHONE);
      try {
        const url = await link();
        clock.skewMs = 5 * 60_000;
        const page = await context.newPage();
        expect((await page.goto(url))?.status()).toBe(401);
        expect(await page.locator('#headline').textContent()).toBe('This link cannot be used');
        expect(await page.locator('#detail').textContent()).toBe('This pairing link has expired; ask for a new link.');
        expect(double.calls).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('a reload picks the session up again and still links', async () => {
      await startStack({ stepDelayMs: 2_000 });
      const context = await browser.newContext(DESKTOP);
      try {
        const page = await context.newPage();
        await page.goto(await link());
        await page.getByRole('button', { name: 'Show the QR code' }).click();
        await page.waitForSelector('body[data-state="qr"]');
        await page.reload();
        await page.waitForSelector('body[data-state="qr"]');
        const shown = await until('a QR on screen after the reload', () => screenQr(page));
        expect(double.qrContents).toContain(shown);
        await page.waitForSelector('body[data-state="linked"]', { timeout: 30_000 });
        expect(double.violations).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it.each([
      { size: 'phone', options: PHONE },
      { size: 'desktop', options: DESKTOP },
    ])('at $size size: the QR scans from the screen, and the screenshot goes to docs/screenshots', async ({ size, options }) => {
      // A phone that never scans, and a paused page clock: the screenshot is the same on every run.
      await startStack({ stepDelayMs: 600_000, qrContents: [SCREENSHOT_QR] });
      const context = await browser.newContext(options);
      try {
        const page = await context.newPage();
        await page.clock.install({ time: new Date('2026-01-01T12:00:00Z') });
        await page.clock.pauseAt(new Date('2026-01-01T12:00:01Z'));
        await page.goto(await link());
        await page.getByRole('button', { name: 'Show the QR code' }).click();
        await page.waitForSelector('body[data-state="qr"]');
        await until('the QR to be drawn', async () => ((await screenQr(page)) === SCREENSHOT_QR ? true : undefined));
        expect(await page.locator('#countdown').textContent()).toBe('This code works for 3:00 more');
        const box = await page.locator('#qr').boundingBox();
        expect(box?.width).toBeGreaterThanOrEqual(240);
        await page.screenshot({ path: path.join(screenshotDir, `pairing-${size}.png`), fullPage: true });
        // Nothing sticks out sideways: the page fits the screen's width.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(options.viewport?.width ?? 0);
      } finally {
        await context.close();
      }
    });
  });

  describe('against the real gateway, offline', () => {
    let instance: GatewayInstance;
    let manager: TestManager<MemoryRuntime>;
    let pool: GatewayPool;

    beforeAll(async () => {
      instance = await startInstance();
      const runtime = new MemoryRuntime();
      runtime.readyOnCreate = true;
      runtime.target = { url: instance.gatewayUrl, token: instance.token };
      await runtime.create({ userId: 'alice', secrets: {} });
      pool = new GatewayPool();
      manager = await startTestManager({ runtime, pool });
    });

    afterAll(async () => {
      await manager?.close();
      await pool?.closeAll();
      await instance?.stop();
    });

    it('says the login failed with WhatsApp\'s reason, and offers the tries the link has left', async () => {
      const res = await manager.http.request('POST', '/api/instances/alice/whatsapp/pair-ticket', { key: TEST_API_KEY });
      const context = await browser.newContext(PHONE);
      try {
        const page = await context.newPage();
        const traffic = recordTraffic(page);
        await page.goto(`${manager.http.url}${(res.body as { pageUrl: string }).pageUrl}`);
        await page.getByRole('button', { name: 'Show the QR code' }).click();
        // The first login loads the WhatsApp plugin into the gateway first.
        await page.waitForSelector('body[data-state="failed"]', { timeout: 180_000 });
        expect(await page.locator('#headline').textContent()).toBe('Linking failed');
        expect(await page.locator('#detail').textContent()).toMatch(/^WhatsApp login failed: .*web\.whatsapp\.com.*\. You can try again \(2 tries left\)\.$/);
        expect(await page.locator('#qr').isVisible()).toBe(false);
        await page.screenshot({ path: path.join(outputDir, 'pairing-failed.png'), fullPage: true });
        await page.getByRole('button', { name: 'Try again' }).click();
        await until('the second failure', async () => ((await page.locator('#detail').textContent())?.includes('(1 try left)') ? true : undefined), 120_000);
        expect(await page.locator('body').getAttribute('data-state')).toBe('failed');
        for (const line of await traffic()) {
          expect(line).not.toContain(TEST_API_KEY);
          expect(line).not.toContain(instance.token);
        }
      } finally {
        await context.close();
      }
    });
  });
});

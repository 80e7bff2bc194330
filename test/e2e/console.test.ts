// The operator console in headless Chromium, on a real instance of the local runtime (the instance
// entrypoint with its gateway and browser stack): a wrong key is refused, the right one signs in for
// an HttpOnly SameSite=Strict cookie, the instance goes from Starting to Running with the bar
// moving, a fleet upgrade shows its per-instance result, stop and start from the console, its screen
// and its WhatsApp pairing page open in new tabs, forms posted from another origin and from another
// site change nothing, and a delete with its data ends it. The screenshots the README shows are taken on the way.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_COOKIE } from '../../manager/src/contracts/console-session.js';
import type { FleetUpgradeRun } from '../../manager/src/contracts/fleet-run.js';
import { createLogger } from '../../manager/src/logger.js';
import type { Instance } from '../../manager/src/runtime/instance-runtime.js';
import { LocalRuntime } from '../../manager/src/runtime/local/local-runtime.js';
import { ensureOpenclaw } from '../support/gateway-instance.js';
import { startVncManager, type VncManager } from '../support/vnc-manager.js';

const USER = 'console-e2e';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const root = path.resolve(import.meta.dirname, '../..');
const screenshots = path.join(root, 'docs/screenshots');

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Serves one HTML page, for pages of another origin. */
async function servePage(html: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A page that posts a form to `action` as soon as it loads, as a forged request would. */
const forgery = (action: string): string =>
  `<!doctype html><body><form id="f" method="POST" action="${action}"><input name="x" value="1"></form><script>document.getElementById('f').submit()</script></body>`;

describe('the operator console in headless Chromium', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'console-e2e-'));
  let runtime: LocalRuntime;
  let manager: VncManager;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let attacker: Server | undefined;

  const row = (): Locator => page.locator(`table.instances tr[data-user="${USER}"]`);
  const button = (name: string): Locator => page.getByRole('button', { name: `${name} ${USER}`, exact: true });
  const api = (method: string, urlPath: string, body?: unknown) =>
    manager.http.request(method, urlPath, { key: manager.apiKey, ...(body === undefined ? {} : { body }) });
  const instance = async (): Promise<Instance | undefined> => {
    const res = await api('GET', `/api/instances/${USER}`);
    return res.status === 200 ? res.body as Instance : undefined;
  };

  /** Starts recording every value the start's progress bar shows, until readBars(). */
  const recordBars = (): Promise<void> => page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { bars: number[] }).bars = seen;
    const note = (): void => {
      document.querySelectorAll('[role="progressbar"]').forEach((bar) => {
        const value = Number(bar.getAttribute('aria-valuenow'));
        if (seen.at(-1) !== value) seen.push(value);
      });
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  const readBars = (): Promise<number[]> => page.evaluate(() => (window as unknown as { bars: number[] }).bars);

  /** Waits for the row to show Running, failing early on Failed. */
  const running = (timeoutMs: number): Promise<void> => until('the console to show the instance Running', async () => {
    const phase = await row().getAttribute('data-phase');
    if (phase === 'Failed') throw new Error(`instance failed: ${(await instance())?.message}`);
    return phase === 'Running' ? true : undefined;
  }, timeoutMs).then(() => undefined);

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    runtime = new LocalRuntime({
      dataDir,
      entrypoint: path.join(root, 'scripts/instance-entrypoint.sh'),
      openclawBin: ensureOpenclaw(),
      baseEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
      logger: createLogger('silent'),
    });
    await runtime.start();
    manager = await startVncManager({ runtime });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await runtime?.delete(USER, { purge: true }).catch(() => undefined);
    await manager?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a wrong key and sets no cookie', async () => {
    await page.goto(`${manager.http.url}/console`);
    await page.getByLabel('API key').fill(`${manager.apiKey}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong API key');
    expect(await context.cookies()).toEqual([]);
    // The field was cleared when the key was sent.
    expect(await page.getByLabel('API key').inputValue()).toBe('');
  });

  it('signs in for an HttpOnly, SameSite=Strict session cookie; the page never holds the key', async () => {
    await page.getByLabel('API key').fill(manager.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: CONSOLE_COOKIE, httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
    expect(cookies[0]?.value).not.toContain(manager.apiKey);
    const seenByScripts = await page.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }));
    expect(seenByScripts).toEqual({ cookie: '', local: '{}', session: '{}' });
    expect(await page.content()).not.toContain(manager.apiKey);
    await page.getByText('No instances yet').waitFor();
  });

  it('shows a real instance go from Starting to Running, the bar moving on the way', async () => {
    await recordBars();
    const created = await api('POST', '/api/instances', { userId: USER });
    expect([201, 202]).toContain(created.status);
    await until('the row to appear', async () => ((await row().count()) > 0 ? true : undefined));
    // The first start of an instance seeds its plugins: give it time.
    await running(300_000);
    const bars = await readBars();
    const moving = bars.filter((v) => v > 0 && v < 100);
    expect(new Set(moving).size, `bar values ${bars.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect([...moving].sort((a, b) => a - b), 'the bar only goes up').toEqual(moving);
    expect(await row().locator('.ready').textContent()).toBe('ready');
    const shown = (await instance())?.imageTag ?? '';
    expect(await row().locator('td[data-label="Image"]').textContent()).toBe(shown);
  });

  it('shows a fleet upgrade run and its per-instance result as it goes', async () => {
    const started = await api('POST', '/api/fleet/upgrade', { imageTag: '2026.12.1' });
    expect(started.status, started.text).toBe(202);
    const run = started.body as FleetUpgradeRun;
    const shown = page.locator(`details[data-run="${run.id}"]`);
    await shown.waitFor();
    const result = shown.locator(`tr[data-user="${USER}"]`);
    await until('the run to succeed in the console', async () => ((await shown.getAttribute('data-state')) === 'succeeded' ? true : undefined), 300_000);
    expect(await result.getAttribute('data-status')).toBe('upgraded');
    expect(await result.locator('.message').textContent()).toBe('running 2026.12.1');
    await running(120_000);
    expect(await row().locator('td[data-label="Image"]').textContent()).toBe('2026.12.1');
  });

  it('stops and starts the instance from the console, with the bar moving again', async () => {
    await button('Stop').click();
    await until('Stopped', async () => ((await row().getAttribute('data-phase')) === 'Stopped' ? true : undefined));
    expect((await instance())?.phase).toBe('Stopped');
    expect(await button('Screen').isDisabled()).toBe(true);

    await recordBars();
    await button('Start').click();
    // The desktop screenshot shows the start under way, above the fleet run.
    await until('the bar past 30%', async () => (Number(await row().getByRole('progressbar').getAttribute('aria-valuenow').catch(() => '0')) >= 30 ? true : undefined), 120_000);
    await page.screenshot({ path: path.join(screenshots, 'console-desktop.png'), animations: 'disabled' });
    await running(120_000);
    const moving = (await readBars()).filter((v) => v > 0 && v < 100);
    expect(new Set(moving).size).toBeGreaterThanOrEqual(2);

    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(screenshots, 'console-phone.png'), fullPage: true, animations: 'disabled' });
    await page.setViewportSize(DESKTOP);
  });

  it('opens the instance\'s screen in a new tab through a single-use ticket', async () => {
    const [viewer] = await Promise.all([context.waitForEvent('page'), button('Screen').click()]);
    await viewer.waitForSelector('body[data-state="connected"]', { timeout: 60_000 });
    expect(new URL(viewer.url()).pathname).toBe(`/viewer/${USER}`);
    await until('the viewer to count', async () => ((await instance()) as { vnc?: { viewers: number } } | undefined)?.vnc?.viewers === 1 ? true : undefined);
    await until('the console to show the viewer', async () => ((await row().locator('td[data-label="Viewers"]').textContent()) === '1' ? true : undefined));
    await viewer.close();
  });

  it('starts WhatsApp pairing: a new tab on the pairing page with a ticket minted for this instance', async () => {
    // The pairing page itself has its own test; here only where the console sends the tab matters.
    await context.route(/\/pair\//, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>pairing</title>' }));
    try {
      const [tab] = await Promise.all([context.waitForEvent('page'), button('Pair WhatsApp').click()]);
      await tab.waitForURL(/\/pair\//);
      const opened = new URL(tab.url());
      expect(opened.pathname).toBe(`/pair/${USER}`);
      expect(opened.searchParams.get('ticket')).toMatch(/\S{20,}/);
      await tab.close();
    } finally {
      await context.unroute(/\/pair\//);
    }
  });

  it('refuses forms posted from another origin of the same site (403) and from another site (no cookie: 401)', async () => {
    const target = `${manager.http.url}/api/instances/${USER}/stop`;
    const served = await servePage(forgery(target));
    attacker = served.server;
    const other = await context.newPage();
    try {
      for (const [host, status] of [['127.0.0.1', 403], ['localhost', 401]] as const) {
        const answer = other.waitForResponse((res) => res.url() === target);
        await other.goto(`http://${host}:${served.port}/`);
        const res = await answer;
        expect(res.status(), `a form from ${host}`).toBe(status);
        expect(await res.json()).toMatchObject({ code: status === 403 ? 'CROSS_SITE_REQUEST' : 'AUTHENTICATION_REQUIRED' });
      }
    } finally {
      await other.close();
    }
    expect((await instance())?.phase).toBe('Running');
  });

  it('deletes the instance with its data', async () => {
    await button('Delete').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Delete the data too/).check();
    await dialog.getByRole('button', { name: 'Delete with data' }).click();
    await until('the row to go', async () => ((await row().count()) === 0 ? true : undefined), 120_000);
    expect(await instance()).toBeUndefined();
    expect(await page.getByRole('status').textContent()).toContain(`${USER}: deleted with its data`);
  });

  it('signs out: the form is back and the old cookie opens nothing', async () => {
    const cookie = (await context.cookies())[0];
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await context.cookies()).toEqual([]);
    const replayed = await manager.http.request('GET', '/api/instances', { headers: { Cookie: `${CONSOLE_COOKIE}=${cookie?.value ?? ''}` } });
    expect(replayed.status).toBe(401);
  });
});

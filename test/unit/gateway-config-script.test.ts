// scripts/lib/gateway-config.mjs: the entrypoint's config writer, run as the entrypoint runs it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/lib/gateway-config.mjs');
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface RenderArgs {
  readonly browser: boolean;
  readonly existing?: unknown;
  readonly template?: unknown;
}

function render(args: RenderArgs): Record<string, unknown> {
  dir = mkdtempSync(path.join(tmpdir(), 'gateway-config-'));
  const out = path.join(dir, 'openclaw.json');
  if (args.existing !== undefined) writeFileSync(out, JSON.stringify(args.existing));
  const extra: string[] = [];
  if (args.template !== undefined) {
    extra.push(path.join(dir, 'template.json'));
    writeFileSync(extra[0] as string, JSON.stringify(args.template));
  }
  execFileSync('node', [SCRIPT, out, '18790', String(args.browser), '9222', ...extra]);
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
}

interface Rendered {
  gateway: { controlUi: unknown; port: number };
  plugins: { entries: Record<string, unknown> };
}

const rendered = (args: RenderArgs): Rendered => render(args) as unknown as Rendered;

const GATEWAY = { mode: 'local', bind: 'loopback', port: 18790, auth: { mode: 'token' } };
const BROWSER = { enabled: true, noSandbox: true, defaultProfile: 'pod', profiles: { pod: { cdpUrl: 'http://127.0.0.1:9222' } } };

describe('gateway-config.mjs', () => {
  it.each([
    ['fresh, browser on', { browser: true }, { gateway: GATEWAY, plugins: { entries: { whatsapp: { enabled: false } } }, browser: BROWSER }],
    ['fresh, browser off', { browser: false }, { gateway: GATEWAY, plugins: { entries: { whatsapp: { enabled: false } } }, browser: { enabled: false } }],
    [
      'existing file keeps its other keys and meta',
      { browser: false, existing: { meta: { lastTouchedVersion: 'v' }, agents: { x: 1 }, gateway: { port: 1, mode: 'remote' } } },
      { meta: { lastTouchedVersion: 'v' }, agents: { x: 1 }, gateway: GATEWAY, browser: { enabled: false } },
    ],
    [
      'a template replaces the existing file but keeps its meta',
      { browser: true, existing: { meta: { m: 1 }, agents: { old: true } }, template: { channels: { whatsapp: { dmPolicy: 'pairing' } }, plugins: { entries: { other: { enabled: false } } } } },
      { meta: { m: 1 }, channels: { whatsapp: { dmPolicy: 'pairing' } }, plugins: { entries: { other: { enabled: false }, whatsapp: { enabled: false } } }, browser: BROWSER },
    ],
  ] as [string, RenderArgs, Record<string, unknown>][])('%s', (_name, args, expected) => {
    const config = render(args);
    expect(config).toMatchObject(expected);
    if (args.template !== undefined) expect(config).not.toHaveProperty('agents');
  });

  it('switches off the node-facing plugins and the Control UI, which no one can reach in the platform', () => {
    const config = render({ browser: false }) as { gateway: { controlUi: unknown }; plugins: { entries: Record<string, unknown> } };
    expect(config.gateway.controlUi).toEqual({ enabled: false });
    for (const id of ['canvas', 'cua-computer', 'device-pair', 'file-transfer', 'geolocation', 'linux-node', 'talk-voice']) {
      expect(config.plugins.entries[id], id).toEqual({ enabled: false });
    }
  });

  it("lets the operator's template turn a default back on, but never the platform's own keys", () => {
    const config = rendered({ browser: false, template: { gateway: { controlUi: { enabled: true }, port: 1 }, plugins: { entries: { canvas: { enabled: true }, whatsapp: { enabled: true } } } } });
    expect(config.gateway.controlUi).toEqual({ enabled: true });
    expect(config.gateway.port).toBe(18790);
    expect(config.plugins.entries.canvas).toEqual({ enabled: true });
    expect(config.plugins.entries.whatsapp).toEqual({ enabled: true });
    expect(config.plugins.entries['device-pair']).toEqual({ enabled: false });
  });

  it('starts WhatsApp off until the first pairing turns it on, and keeps it on from then, even over a template', () => {
    expect(rendered({ browser: false }).plugins.entries.whatsapp).toEqual({ enabled: false });
    const paired = { meta: { m: 1 }, plugins: { entries: { whatsapp: { enabled: true } } } };
    expect(rendered({ browser: false, existing: paired }).plugins.entries.whatsapp).toEqual({ enabled: true });
    expect(rendered({ browser: false, existing: paired, template: { channels: {} } }).plugins.entries.whatsapp).toEqual({ enabled: true });
    const denied = render({ browser: false, existing: paired, template: { plugins: { deny: ['whatsapp'] } } }) as unknown as { plugins: { deny: string[] } };
    expect(denied.plugins.deny).toEqual(['whatsapp']);
  });

  it('refuses a template that is not plain JSON, naming the file', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-config-'));
    const template = path.join(dir, 't.json5');
    writeFileSync(template, '{ gateway: {} }');
    expect(() => execFileSync('node', [SCRIPT, path.join(dir, 'o.json'), '1', 'false', '2', template], { stdio: 'pipe' })).toThrow(/t\.json5 is not plain JSON/);
  });
});

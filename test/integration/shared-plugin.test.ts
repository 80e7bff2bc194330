// The WhatsApp plugin is installed once, in the read-only seed beside OpenClaw, and shared: two
// instances started at once both load it from there, trusted, and neither state keeps a copy.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { ensureOpenclaw, startInstance, type GatewayInstance } from '../support/gateway-instance.js';
import { machineEnv } from '../support/machine-env.js';

const run = promisify(execFile);

/** Every path under `dir`, depth-first. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() && !e.isSymbolicLink() ? [full, ...walk(full)] : [full];
  });
}

describe('one WhatsApp plugin for every instance', () => {
  const seed = path.resolve(path.dirname(ensureOpenclaw()), '..', 'plugins');
  const states = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'openclaw-shared-')));
  let instances: GatewayInstance[] = [];

  beforeAll(async () => {
    // Both paired already (the plugin on), so both load it at start, at the same time.
    for (const state of states) writeFileSync(path.join(state, 'openclaw.json'), JSON.stringify({ plugins: { entries: { whatsapp: { enabled: true } } } }));
    instances = await Promise.all(states.map((stateDir) => startInstance({ stateDir })));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    for (const state of states) rmSync(state, { recursive: true, force: true });
  });

  it('both answer for their WhatsApp channel', async () => {
    for (const instance of instances) {
      const client = new GatewayClient({ url: instance.gatewayUrl, token: instance.token });
      try {
        await expect(client.request('channels.status', { channel: 'whatsapp' })).resolves.toMatchObject({ channels: { whatsapp: { linked: false } } });
      } finally {
        await client.close();
      }
    }
  });

  it('both load it from the seed, trusted as the official npm install', async () => {
    const openclaw = ensureOpenclaw();
    for (const state of states) {
      const { stdout } = await run(openclaw, ['plugins', 'inspect', 'whatsapp', '--json'], {
        env: { ...machineEnv(), OPENCLAW_STATE_DIR: state, HOME: state }, maxBuffer: 16 * 2 ** 20,
      });
      const plugin = (JSON.parse(stdout) as { plugin: { rootDir: string; origin: string; status: string; trust: { reason: string } } }).plugin;
      expect(plugin.rootDir.startsWith(`${seed}${path.sep}`), plugin.rootDir).toBe(true);
      expect(plugin).toMatchObject({ origin: 'global', status: 'loaded', trust: { reason: 'trusted-official' } });
    }
  });

  it('neither state holds a copy: while running only OpenClaw\'s own snapshot under tmp/, once stopped nothing', async () => {
    const copies = (state: string) => walk(state).filter((f) => f.includes(`${path.sep}node_modules${path.sep}`) || path.basename(f) === 'npm');
    // OpenClaw snapshots the sources of every plugin it loads from outside its package into the
    // state's tmp/plugin-captures for as long as the process runs, and removes them when it exits.
    for (const state of states) {
      expect(copies(state).filter((f) => !f.startsWith(path.join(state, 'tmp', 'plugin-captures') + path.sep))).toEqual([]);
    }
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    for (const state of states) {
      expect(copies(state)).toEqual([]);
      const bytes = walk(state).filter((f) => statSync(f).isFile()).reduce((sum, f) => sum + statSync(f).size, 0);
      expect(bytes).toBeLessThan(20 * 2 ** 20);
    }
    expect(statSync(path.join(seed, 'npm')).mode & 0o222).toBe(0);
  });
});

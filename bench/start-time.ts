// Time to ready, in one run on one machine, several times each:
//   a) the pinned gateway started bare by hand: minimal config, empty state dir, until it accepts an
//      authenticated client (the baseline);
//   b) a new user created through the manager (local runtime, as `npm start` runs it) until the
//      progress stream says ready;
//   c) that user stopped, then started again until ready.
// Prints the medians, b/a and c/a (targets <= 1.3 and <= 1.2) and the longest silence in any progress
// stream (target <= 5 s). Browser: as the machine has it (OPENCLAW_LOCAL_BROWSER=off for gateway-only).
// Run: npx tsx bench/start-time.ts [rounds=3]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitForGateway } from '../test/support/wait-for-gateway.js';
import { ensureOpenclaw, freePort } from '../test/support/gateway-instance.js';
import { localRuntimeEnv, startManagerProcess } from '../test/support/manager-process.js';
import { followStart, seconds as s, type FollowedStart as Followed } from './lib/follow-start.js';
import { machine, median, verdict } from './lib/stats.js';

const rounds = Number(process.argv[2] ?? 3);
const ROOT = path.resolve(import.meta.dirname, '..');

/** a) spawn -> first authenticated connect of a bare gateway. */
async function bareStart(openclaw: string): Promise<number> {
  const state = mkdtempSync(path.join(tmpdir(), 'openclaw-bare-'));
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path.join(state, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', bind: 'loopback', port, auth: { mode: 'token' } } }));
  const started = Date.now();
  const child = spawn(openclaw, ['gateway', 'run', '--bind', 'loopback', '--port', String(port), '--auth', 'token'], {
    env: { ...process.env, OPENCLAW_STATE_DIR: state, OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_DISABLE_BONJOUR: '1' },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitForGateway(`ws://127.0.0.1:${port}`, token, 300_000, 250);
    return Date.now() - started;
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM');
    await exited;
    rmSync(state, { recursive: true, force: true });
  }
}

const openclaw = ensureOpenclaw();
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
const dataDir = mkdtempSync(path.join(tmpdir(), 'openclaw-bench-start-'));
const apiKey = randomBytes(24).toString('base64url');
const manager = await startManagerProcess({ env: { ...localRuntimeEnv(dataDir, apiKey), OPENCLAW_LOG_LEVEL: 'warn' }, capture: false });
const bare: number[] = [];
const created: Followed[] = [];
const restarted: Followed[] = [];
const stops: number[] = [];
const deletes: number[] = [];
let browser = 'unknown';
try {
  for (let round = 1; round <= rounds; round++) {
    bare.push(await bareStart(openclaw));
    const userId = `start-bench-${round}`;
    created.push(await followStart(manager.url, apiKey, userId, () => manager.api('POST', '/api/instances', { userId })));
    browser = ((await manager.api('GET', `/api/instances/${userId}`)).body as { runtime?: { browser?: { enabled?: boolean } } }).runtime?.browser?.enabled ? 'on' : 'off';
    const stopStarted = Date.now();
    const stopped = await manager.api('POST', `/api/instances/${userId}/stop`);
    if (stopped.status !== 200) throw new Error(`stop answered ${stopped.status}: ${stopped.text}`);
    stops.push(Date.now() - stopStarted);
    restarted.push(await followStart(manager.url, apiKey, userId, () => manager.api('POST', `/api/instances/${userId}/start`)));
    const deleteStarted = Date.now();
    const deleted = await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`);
    if (deleted.status !== 200) throw new Error(`delete answered ${deleted.status}: ${deleted.text}`);
    deletes.push(Date.now() - deleteStarted);
    console.log(`round ${round}: bare ${s(bare.at(-1) as number)}, new user ${s((created.at(-1) as Followed).ms)}, start after stop ${s((restarted.at(-1) as Followed).ms)}`);
  }
} finally {
  await manager.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const a = median(bare);
const b = median(created.map((f) => f.ms));
const c = median(restarted.map((f) => f.ms));
const gap = Math.max(...[...created, ...restarted].map((f) => f.longestGapMs));
console.log(`machine: ${await machine()}; ${rounds} rounds; instance browser ${browser}`);
console.log(`a) bare gateway, spawn -> authenticated connect (median): ${s(a)}`);
console.log(`b) new user through the manager -> ready (median):        ${s(b)}  b/a ${(b / a).toFixed(2)} (target <= 1.3: ${verdict(b / a <= 1.3)})`);
console.log(`c) stopped user started -> ready (median):                ${s(c)}  c/a ${(c / a).toFixed(2)} (target <= 1.2: ${verdict(c / a <= 1.2)})`);
console.log(`longest gap between progress events: ${s(gap)} (target <= 5 s: ${verdict(gap <= 5_000)})`);
console.log(`stop of a ready instance answered in (median): ${s(median(stops))}; delete of a ready one: ${s(median(deletes))}`);

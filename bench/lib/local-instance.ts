// One real instance behind the manager as it runs for `npm start`: node manager/dist/main.js with
// the local runtime, the instance created through the API. Benchmarks call the gateway through the
// manager and, for their baseline, straight (its address and token are the local runtime's files).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localRuntimeEnv, startManagerProcess, waitRunning, type ManagerProcess } from '../../test/support/manager-process.js';
import type { GatewayTarget } from './gateway-calls.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface LocalBenchInstance {
  readonly manager: ManagerProcess;
  readonly apiKey: string;
  readonly userId: string;
  /** The instance's gateway, for direct calls. */
  readonly target: GatewayTarget;
  close(): Promise<void>;
}

export async function startLocalInstance(userId = 'bench'): Promise<LocalBenchInstance> {
  execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'openclaw-bench-local-'));
  const apiKey = randomBytes(24).toString('base64url');
  const manager = await startManagerProcess({ env: { ...localRuntimeEnv(dataDir, apiKey), OPENCLAW_LOG_LEVEL: process.env.OPENCLAW_LOG_LEVEL ?? 'info' }, capture: false });
  const close = async (): Promise<void> => {
    await manager.api('DELETE', `/api/instances/${userId}?preservePvc=false`).catch(() => undefined);
    await manager.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const created = await manager.api('POST', '/api/instances', { userId });
    if (created.status !== 201 && created.status !== 202) throw new Error(`create answered ${created.status}: ${created.text}`);
    const instance = await waitRunning<{ runtime: { gatewayUrl: string } }>(manager.api, userId);
    const token = readFileSync(path.join(dataDir, userId, 'runtime', 'gateway-token'), 'utf8').trim();
    return { manager, apiKey, userId, target: { url: instance.runtime.gatewayUrl, token }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

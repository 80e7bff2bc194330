// The manager for bench/vnc-throughput.ts, in its own process (as in production it has its own
// CPU): createApp + the VNC upgrade handler, one ready instance "bench" whose websockify is argv[2].
// Prints the manager's URL and API key as one JSON line, then serves until killed.
import type { VncTarget } from '../manager/src/runtime/instance-runtime.js';
import { MemoryRuntime } from '../test/support/memory-runtime.js';
import { startVncManager } from '../test/support/vnc-manager.js';

class FixedTargetRuntime extends MemoryRuntime {
  constructor(private readonly url: string) {
    super();
    this.readyOnCreate = true;
  }

  override async vncTarget(userId: string): Promise<VncTarget> {
    await this.get(userId);
    return { url: this.url };
  }
}

const target = process.argv[2];
if (!target) throw new Error('usage: vnc-throughput-manager.ts <websockify ws:// URL>');
const runtime = new FixedTargetRuntime(target);
await runtime.create({ userId: 'bench', secrets: {} });
const manager = await startVncManager({ runtime, maxViewersPerInstance: 64 });
process.stdout.write(`${JSON.stringify({ url: manager.wsUrl(''), apiKey: manager.apiKey })}\n`);
process.on('SIGTERM', () => void manager.close().then(() => process.exit(0)));

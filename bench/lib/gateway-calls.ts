// `health` round trips straight to a gateway: on one pooled connection (what the manager does), and
// on a new connection per call (connect + handshake + call + close). Each returns milliseconds per call.
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { GatewayPool } from '../../manager/src/gateway/gateway-pool.js';
import { timed } from './stats.js';

export interface GatewayTarget {
  readonly url: string;
  readonly token: string;
}

/** `calls` sequential health calls over one pooled connection (connected before timing starts). */
export async function pooledHealth(target: GatewayTarget, calls: number): Promise<number[]> {
  const pool = new GatewayPool();
  try {
    await pool.call('bench', target, 'health');
    const out: number[] = [];
    for (let i = 0; i < calls; i++) out.push(await timed(() => pool.call('bench', target, 'health')));
    return out;
  } finally {
    await pool.closeAll();
  }
}

/** `calls` sequential health calls, each on a connection of its own. */
export async function freshHealth(target: GatewayTarget, calls: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < calls; i++) {
    out.push(
      await timed(async () => {
        const client = new GatewayClient({ url: target.url, token: target.token });
        await client.request('health');
        await client.close();
      }),
    );
  }
  return out;
}

// Waits until a gateway accepts an authenticated connect: the readiness check of the tests and
// benchmarks that start a gateway by hand (its /healthz answers before connect does; see the
// protocol reference).
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient } from '../../manager/src/gateway/gateway-client.js';
import { GatewayAuthFailed, GatewayProtocolMismatch, GatewayTimeout } from '../../manager/src/gateway/gateway-errors.js';
import type { HelloOk } from '../../manager/src/gateway/protocol.js';

/**
 * Resolves with the hello-ok of the first successful connect, retrying every `intervalMs` (default
 * 500 ms) until `timeoutMs` (default 120 s). A refused token or protocol fails at once.
 * @example await waitForGateway('ws://127.0.0.1:18789', token, 60_000)
 */
export async function waitForGateway(url: string, token: string, timeoutMs = 120_000, intervalMs = 500): Promise<HelloOk> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const client = new GatewayClient({ url, token, connectTimeoutMs: Math.max(1_000, deadline - Date.now()) });
    try {
      const hello = await client.connect();
      await client.close();
      return hello;
    } catch (err) {
      await client.close();
      if (err instanceof GatewayAuthFailed || err instanceof GatewayProtocolMismatch) throw err;
      last = err;
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const reason = last instanceof Error ? `: ${last.message}` : '';
  throw new GatewayTimeout('TIMEOUT', `the gateway at ${new URL(url).host} did not accept a connection within ${timeoutMs} ms${reason}`, { cause: last });
}

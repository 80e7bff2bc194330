// Direct mode: the user's pod and token from the cluster, a port-forward to the gateway port and the
// shared GatewayClient over it. The forwarder in the pod hands the connection to the gateway on
// loopback, so the token client keeps its admin scope (see reference/openclaw-gateway.md).
import { GATEWAY_PORT, GatewayClient, GatewayUnavailable, WhatsAppPairing } from 'openclaw-platform/core';
import type { Connection } from './args.js';
import { PortForwardFailed } from './errors.js';
import type { InstanceAccess } from './instance-api.js';
import { findInstancePod, loadKubeConfig, readGatewayToken } from './kube-target.js';
import { forwardPort } from './port-forward.js';

const CONNECT_TIMEOUT_MS = 30_000;

/** Opens the port-forward and the gateway connection. @throws InstanceNotFoundInCluster, ClusterUnavailable, PortForwardFailed, GatewayError */
export async function openDirectAccess(userId: string, connection: Connection): Promise<InstanceAccess> {
  const kc = loadKubeConfig(connection);
  const target = await findInstancePod(kc, connection.namespace, userId);
  const token = await readGatewayToken(kc, connection.namespace, userId);
  const forward = await forwardPort(target, GATEWAY_PORT);
  const client = new GatewayClient({ url: `ws://127.0.0.1:${forward.localPort}`, token, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  const close = async (): Promise<void> => {
    await client.close();
    await forward.close();
  };
  try {
    await client.connect();
  } catch (err) {
    await close();
    // A failed forward shows up as a dropped connection: say what really failed.
    if (err instanceof GatewayUnavailable && forward.lastError !== undefined) throw new PortForwardFailed(forward.lastError);
    throw err;
  }
  const pairing = new WhatsAppPairing((method, params, options) => client.request(method, params, options));
  return {
    whatsapp: {
      start: (options, signal) => pairing.start(options, signal),
      wait: (options, signal) => pairing.wait(options, signal),
      status: (signal) => pairing.status(signal),
    },
    rpc: (method, params, options) => client.request(method, params, options),
    close,
  };
}

// A user's data as the backup suites on Kubernetes write and read it through the manager's RPC proxy:
// a file of the main agent (agents.files.set) and one config setting (config.patch). On Kubernetes
// the chart's ConfigMap is the gateway's configuration at every start; of what config.patch changes,
// only WhatsApp turned on outlives a restart (scripts/lib/gateway-config.mjs), so that is the setting.
import { waitFor } from './kube.js';
import type { JsonResponse } from './manager-http.js';

export type ManagerApi = (method: string, path: string, body?: unknown) => Promise<JsonResponse>;

export interface UserData {
  readonly note: unknown;
  readonly whatsapp: unknown;
}

export interface GatewayData {
  rpc(userId: string, method: string, params: unknown): Promise<unknown>;
  write(userId: string, note: string, whatsapp: boolean): Promise<void>;
  read(userId: string): Promise<UserData>;
}

/** Through `api()`, the manager of the moment (a test may restart it). */
export function gatewayData(api: () => ManagerApi): GatewayData {
  const rpc = async (userId: string, method: string, params: unknown): Promise<unknown> => {
    // A gateway just started (or its Service endpoints) may refuse for a moment; a client retries.
    const res = await waitFor(`${method} on ${userId}`, async () => {
      const answer = await api()('POST', `/api/instances/${userId}/rpc`, { method, params });
      return answer.status === 200 ? answer : undefined;
    }, 90_000);
    return (res.body as { result: unknown }).result;
  };
  return {
    rpc,
    write: async (userId, note, whatsapp) => {
      await rpc(userId, 'agents.files.set', { agentId: 'main', name: 'USER.md', content: note });
      const { hash } = (await rpc(userId, 'config.get', {})) as { hash: string };
      const patch = { plugins: { entries: { whatsapp: { enabled: whatsapp } } } };
      const patched = (await rpc(userId, 'config.patch', { raw: JSON.stringify(patch), baseHash: hash })) as { ok?: unknown };
      if (patched.ok !== true) throw new Error(`config.patch on ${userId} answered ${JSON.stringify(patched)}`);
    },
    read: async (userId) => {
      const file = (await rpc(userId, 'agents.files.get', { agentId: 'main', name: 'USER.md' })) as { file: { content: unknown } };
      const { config } = (await rpc(userId, 'config.get', {})) as { config: { plugins?: { entries?: { whatsapp?: { enabled?: unknown } } } } };
      return { note: file.file.content, whatsapp: config.plugins?.entries?.whatsapp?.enabled };
    },
  };
}

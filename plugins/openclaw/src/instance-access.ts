// Opens the way to a user's instance the connection asks for: the manager's API, or the cluster
// directly (direct-access.ts).
import type { Connection } from './args.js';
import { openDirectAccess } from './direct-access.js';
import type { InstanceAccess } from './instance-api.js';
import { ManagerClient } from './manager-client.js';

/** Through the manager: every call is one HTTP request. */
export function managerAccess(userId: string, client: ManagerClient): InstanceAccess {
  return {
    whatsapp: {
      start: (options, signal) => client.whatsappQr(userId, options, signal),
      wait: (options, signal) => client.whatsappWait(userId, options, signal),
      status: (signal) => client.whatsappStatus(userId, signal),
    },
    rpc: (method, params, options) => client.rpc(userId, method, params, options.timeoutMs, options.signal),
    close: async () => {},
  };
}

/** The access the connection asks for: the manager when it has a URL, else the cluster. */
export async function openInstanceAccess(userId: string, connection: Connection): Promise<InstanceAccess> {
  if (connection.managerUrl !== undefined && connection.apiKey !== undefined) {
    return managerAccess(userId, new ManagerClient({ baseUrl: connection.managerUrl, apiKey: connection.apiKey }));
  }
  return openDirectAccess(userId, connection);
}

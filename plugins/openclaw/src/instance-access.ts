// One way to reach a user's instance, whichever mode: the manager's API, or the cluster directly
// (pod + Secret + port-forward + the shared gateway client). Commands only see this interface.
import type { LoginStartOptions, LoginWaitOptions, QrIssued, WaitOutcome, WhatsAppStatus } from 'openclaw-platform/core';
import type { Connection } from './args.js';
import { openDirectAccess } from './direct-access.js';
import { ManagerClient } from './manager-client.js';

export interface WhatsAppApi {
  start(options: LoginStartOptions, signal?: AbortSignal): Promise<QrIssued>;
  wait(options: LoginWaitOptions, signal?: AbortSignal): Promise<WaitOutcome>;
  status(signal?: AbortSignal): Promise<WhatsAppStatus>;
}

export interface RpcOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface InstanceAccess {
  readonly whatsapp: WhatsAppApi;
  /** Calls a gateway method and resolves with its payload. */
  rpc(method: string, params: Record<string, unknown>, options: RpcOptions): Promise<unknown>;
  close(): Promise<void>;
}

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

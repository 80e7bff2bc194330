// One way to reach a user's instance, whichever mode: the manager's API, or the cluster directly
// (pod + Secret + port-forward + the shared gateway client). Commands only see this interface.
import type { LoginStartOptions, LoginWaitOptions, QrIssued, WaitOutcome, WhatsAppStatus } from 'openclaw-platform/core';

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

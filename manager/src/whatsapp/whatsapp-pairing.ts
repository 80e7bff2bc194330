// WhatsApp pairing over any way of calling one instance's gateway: the manager passes its pooled
// RPC, the Helm plugin a GatewayClient behind a port-forward. Answers are interpreted by the pure
// modules beside this one; gateway failures that mean "no WhatsApp plugin" become that error.
import { toWhatsAppError } from './whatsapp-errors.js';
import {
  buildLoginStartParams,
  buildLoginWaitParams,
  clampWaitTimeout,
  interpretLoginStart,
  interpretLoginWait,
  type LoginStartOptions,
  type LoginWaitOptions,
  type QrIssued,
  type WaitOutcome,
} from './whatsapp-login.js';
import {
  buildChannelsStatusParams,
  buildLogoutParams,
  parseLogoutResult,
  parseWhatsAppStatus,
  type WhatsAppLogoutResult,
  type WhatsAppStatus,
} from './whatsapp-status.js';

export interface GatewayCallOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Calls one method on the instance's gateway and resolves with its payload. */
export type GatewayCall = (method: string, params: Record<string, unknown>, options: GatewayCallOptions) => Promise<unknown>;

/** How long past its own timeout the gateway gets to answer a wait before the call gives up. */
export const WAIT_ANSWER_GRACE_MS = 15_000;
/** web.login.start waits up to 30 s (gateway default) for WhatsApp to hand out a QR. */
export const START_CALL_TIMEOUT_MS = 60_000;
export const STATUS_CALL_TIMEOUT_MS = 30_000;

export class WhatsAppPairing {
  constructor(private readonly call: GatewayCall) {}

  /** Starts a login and returns its QR. @throws WhatsAppAlreadyLinked, WhatsAppLoginFailed, WhatsAppPluginMissing */
  async start(options: LoginStartOptions = {}, signal?: AbortSignal): Promise<QrIssued> {
    const payload = await this.invoke('web.login.start', buildLoginStartParams(options), START_CALL_TIMEOUT_MS, signal);
    return interpretLoginStart(payload);
  }

  /** Waits for the scan, a rotated QR, or the end of the login; aborting `signal` stops waiting. */
  async wait(options: LoginWaitOptions = {}, signal?: AbortSignal): Promise<WaitOutcome> {
    const params = buildLoginWaitParams(options);
    const payload = await this.invoke('web.login.wait', params, clampWaitTimeout(options.timeoutMs) + WAIT_ANSWER_GRACE_MS, signal);
    return interpretLoginWait(payload);
  }

  async status(signal?: AbortSignal): Promise<WhatsAppStatus> {
    return parseWhatsAppStatus(await this.invoke('channels.status', buildChannelsStatusParams(), STATUS_CALL_TIMEOUT_MS, signal));
  }

  async logout(signal?: AbortSignal): Promise<WhatsAppLogoutResult> {
    return parseLogoutResult(await this.invoke('channels.logout', buildLogoutParams(), STATUS_CALL_TIMEOUT_MS, signal));
  }

  private async invoke(method: string, params: Record<string, unknown>, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
    try {
      return await this.call(method, params, signal ? { timeoutMs, signal } : { timeoutMs });
    } catch (err) {
      throw toWhatsAppError(err);
    }
  }
}

// WhatsApp pairing over any way of calling one instance's gateway: the manager passes its pooled
// RPC, the Helm plugin a GatewayClient behind a port-forward. Answers are interpreted by the pure
// modules beside this one; gateway failures that mean "no WhatsApp plugin" become that error, except
// where the plugin only waits for its first use (whatsapp-plugin-state.ts): a login turns it on, the
// other calls answer as for an instance that was never linked.
import { toWhatsAppError, WhatsAppPluginMissing } from './whatsapp-errors.js';
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
import { whatsappPluginState, WHATSAPP_PLUGIN_ON_PATCH, type WhatsAppPluginState } from './whatsapp-plugin-state.js';
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
/** Turning the plugin on reloads the gateway's plugin runtime (about 10 s on 2 busy cores). */
export const PLUGIN_LOAD_TIMEOUT_MS = 120_000;

/** What a never-linked instance reports, for one whose plugin has not been loaded yet. */
const NOT_SET_UP: WhatsAppStatus = {
  linked: false, connected: false, running: false, self: null, lastError: null, state: 'not-linked', health: null,
  issues: ['Not linked: WhatsApp loads on the first pairing.'],
};

export class WhatsAppPairing {
  constructor(private readonly call: GatewayCall) {}

  /** Starts a login and returns its QR. @throws WhatsAppAlreadyLinked, WhatsAppLoginFailed, WhatsAppPluginMissing */
  async start(options: LoginStartOptions = {}, signal?: AbortSignal): Promise<QrIssued> {
    const login = (): Promise<unknown> => this.invoke('web.login.start', buildLoginStartParams(options), START_CALL_TIMEOUT_MS, signal);
    try {
      return interpretLoginStart(await login());
    } catch (err) {
      if (!(err instanceof WhatsAppPluginMissing) || !(await this.turnPluginOn(signal))) throw err;
      return interpretLoginStart(await login());
    }
  }

  /** Waits for the scan, a rotated QR, or the end of the login; aborting `signal` stops waiting. */
  async wait(options: LoginWaitOptions = {}, signal?: AbortSignal): Promise<WaitOutcome> {
    const params = buildLoginWaitParams(options);
    return this.unlessDeferred(
      async () => interpretLoginWait(await this.invoke('web.login.wait', params, clampWaitTimeout(options.timeoutMs) + WAIT_ANSWER_GRACE_MS, signal)),
      { connected: false, reason: 'not-started', message: 'No active WhatsApp login in progress.' },
      signal,
    );
  }

  async status(signal?: AbortSignal): Promise<WhatsAppStatus> {
    return this.unlessDeferred(
      async () => parseWhatsAppStatus(await this.invoke('channels.status', buildChannelsStatusParams(), STATUS_CALL_TIMEOUT_MS, signal)),
      NOT_SET_UP,
      signal,
    );
  }

  async logout(signal?: AbortSignal): Promise<WhatsAppLogoutResult> {
    return this.unlessDeferred(
      async () => parseLogoutResult(await this.invoke('channels.logout', buildLogoutParams(), STATUS_CALL_TIMEOUT_MS, signal)),
      { loggedOut: false, message: 'WhatsApp was not linked; nothing to log out.' },
      signal,
    );
  }

  /** `work`, or `deferredAnswer` when it finds no plugin because the plugin waits for its first use. */
  private async unlessDeferred<T>(work: () => Promise<T>, deferredAnswer: T, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof WhatsAppPluginMissing && (await this.pluginState(signal)).state === 'deferred') return deferredAnswer;
      throw err;
    }
  }

  /** Turns a deferred plugin on; false when it is not deferred (switched off, or missing for real). */
  private async turnPluginOn(signal: AbortSignal | undefined): Promise<boolean> {
    const { state, hash } = await this.pluginState(signal);
    if (state !== 'deferred') return false;
    try {
      await this.call('config.patch', { raw: WHATSAPP_PLUGIN_ON_PATCH, ...(hash ? { baseHash: hash } : {}) }, signal ? { timeoutMs: PLUGIN_LOAD_TIMEOUT_MS, signal } : { timeoutMs: PLUGIN_LOAD_TIMEOUT_MS });
    } catch (err) {
      // A login beside this one may have turned it on first (the config changed under our baseHash).
      if ((await this.pluginState(signal)).state !== 'on') throw err;
    }
    return true;
  }

  /** Read from config.get; a gateway that will not show its config counts as 'on' (the plugin is missing for real). */
  private async pluginState(signal: AbortSignal | undefined): Promise<{ state: WhatsAppPluginState; hash: string | undefined }> {
    const options = signal ? { timeoutMs: STATUS_CALL_TIMEOUT_MS, signal } : { timeoutMs: STATUS_CALL_TIMEOUT_MS };
    const snapshot = (await this.call('config.get', {}, options).catch(() => null)) as { config?: unknown; hash?: unknown } | null;
    return { state: whatsappPluginState(snapshot?.config), hash: typeof snapshot?.hash === 'string' ? snapshot.hash : undefined };
  }

  private async invoke(method: string, params: Record<string, unknown>, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
    try {
      return await this.call(method, params, signal ? { timeoutMs, signal } : { timeoutMs });
    } catch (err) {
      throw toWhatsAppError(err);
    }
  }
}

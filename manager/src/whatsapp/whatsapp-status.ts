// WhatsApp link state from `channels.status` and the answer of `channels.logout`, pure. The summary
// lives under `channels.whatsapp` (@openclaw/whatsapp buildChannelSummary: linked, connected,
// running, statusState, self {e164, jid}, lastError, healthState); problems under `statusIssues`.
import { WhatsAppPluginMissing } from './whatsapp-errors.js';

export const WHATSAPP_CHANNEL = 'whatsapp';

export interface WhatsAppSelf {
  /** Phone number in E.164 (e.g. +15551234567) when known. */
  readonly e164: string | null;
  readonly jid: string | null;
}

export interface WhatsAppStatus {
  /** A WhatsApp Web session exists (the QR was scanned). */
  readonly linked: boolean;
  /** The session is connected to WhatsApp right now. */
  readonly connected: boolean;
  /** The channel runtime is running in the gateway. */
  readonly running: boolean;
  /** The linked account; null when not linked. */
  readonly self: WhatsAppSelf | null;
  readonly lastError: string | null;
  /** Upstream's auth state: linked, not-linked, unstable. */
  readonly state: string | null;
  /** Upstream's health: stopped, connected, reconnecting, logged-out, stale... */
  readonly health: string | null;
  /** What the gateway says is wrong (e.g. "Not linked (no WhatsApp Web session).") */
  readonly issues: readonly string[];
}

export interface WhatsAppLogoutResult {
  /** Whether stored credentials were removed (false when there was no link). */
  readonly loggedOut: boolean;
  readonly message: string;
}

/** Params of `channels.status` for WhatsApp only. */
export function buildChannelsStatusParams(): Record<string, unknown> {
  return { channel: WHATSAPP_CHANNEL };
}

/** Params of `channels.logout` for WhatsApp. */
export function buildLogoutParams(): Record<string, unknown> {
  return { channel: WHATSAPP_CHANNEL };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * WhatsApp's state from a `channels.status` payload. The default account's snapshot fills what the
 * summary lacks. No WhatsApp entry means the plugin is not loaded.
 * @throws WhatsAppPluginMissing
 */
export function parseWhatsAppStatus(payload: unknown): WhatsAppStatus {
  const body = record(payload) ?? {};
  const summary = record(record(body.channels)?.[WHATSAPP_CHANNEL]);
  const accounts = record(body.channelAccounts)?.[WHATSAPP_CHANNEL];
  if (!summary && !Array.isArray(accounts)) {
    throw new WhatsAppPluginMissing('channels.status lists no whatsapp channel');
  }
  const defaultId = str(record(body.channelDefaultAccountId)?.[WHATSAPP_CHANNEL]);
  const account =
    (Array.isArray(accounts) ? accounts.map(record).find((a) => a !== undefined && (defaultId === null || a.accountId === defaultId)) : undefined) ??
    {};
  const pick = (key: string): unknown => summary?.[key] ?? account[key];

  const linked = pick('linked') === true;
  const selfRecord = record(summary?.self);
  const self = linked && selfRecord ? { e164: str(selfRecord.e164), jid: str(selfRecord.jid) } : null;
  const issues = Array.isArray(body.statusIssues)
    ? body.statusIssues
        .map(record)
        .filter((issue) => issue?.channel === WHATSAPP_CHANNEL && typeof issue.message === 'string')
        .map((issue) => String(issue?.message))
    : [];
  return {
    linked,
    connected: pick('connected') === true,
    running: pick('running') === true,
    self: self && (self.e164 !== null || self.jid !== null) ? self : null,
    lastError: str(pick('lastError')),
    state: str(pick('statusState')),
    health: str(pick('healthState')),
    issues,
  };
}

/** The answer of `channels.logout` {channel: "whatsapp"}: `{cleared, loggedOut}` upstream. */
export function parseLogoutResult(payload: unknown): WhatsAppLogoutResult {
  const body = record(payload) ?? {};
  const loggedOut = body.loggedOut === true || body.cleared === true;
  return {
    loggedOut,
    message: loggedOut ? 'WhatsApp logged out; the stored session was removed.' : 'WhatsApp was not linked; nothing to log out.',
  };
}

/** One line for people: "linked as +1555..., connected" / "not linked". */
export function describeWhatsAppStatus(status: WhatsAppStatus): string {
  if (!status.linked) {
    return status.state === 'unstable' ? 'WhatsApp: auth state is settling; retry in a moment' : 'WhatsApp: not linked';
  }
  const who = status.self?.e164 ?? status.self?.jid ?? 'unknown number';
  const link = status.connected ? 'connected' : status.running ? 'not connected' : 'channel stopped';
  const error = status.lastError ? ` (last error: ${status.lastError})` : '';
  return `WhatsApp: linked as ${who}, ${link}${error}`;
}

// WhatsApp pairing conditions, each with the HTTP status the manager answers with. The Helm plugin
// throws the same classes, so both print the same messages.
import { HttpError } from '../errors/http-error.js';

/** The gateway answered a login call without a QR or a link: its message says why (e.g. offline). */
export class WhatsAppLoginFailed extends HttpError {
  constructor(message: string) {
    super(502, message, { code: 'WHATSAPP_LOGIN_FAILED', expose: true });
  }
}

/** The instance is linked already; linking again needs `force`. */
export class WhatsAppAlreadyLinked extends HttpError {
  constructor(message: string) {
    super(409, message, { code: 'WHATSAPP_ALREADY_LINKED' });
  }
}

/**
 * The instance's gateway has no WhatsApp channel and will not load one: the @openclaw/whatsapp plugin
 * is not installed there, or the instance's config denies it. Retrying cannot help, so it is not a
 * 503; the image or the instance config must change.
 */
export class WhatsAppPluginMissing extends HttpError {
  constructor(gatewayMessage: string) {
    super(
      501,
      `The WhatsApp plugin is not installed in this instance (the gateway says: ${gatewayMessage}). ` +
        'Install @openclaw/whatsapp into the instance image (or remove "whatsapp" from plugins.deny in its config), then restart the instance.',
      { code: 'WHATSAPP_PLUGIN_MISSING', expose: true },
    );
  }
}

// What the gateway (openclaw 2026.9.6) answers, as INVALID_REQUEST, when no channel plugin owns
// WhatsApp: web.login.* (src/gateway/server-methods/web.ts, may append a repair hint),
// channels.status {channel} and channels.logout {channel}.
const PLUGIN_MISSING_MESSAGES: readonly RegExp[] = [
  /^web login provider is not available/i,
  /^unknown channel: whatsapp/i,
  /^invalid channels\.logout channel/i,
];

/**
 * Whether a gateway failure (GatewayRequestFailed, or the manager's mapped HTTP error) means the
 * WhatsApp plugin is missing. Duck-typed on `code` and `message` so it works on both sides.
 */
export function isWhatsAppPluginMissing(err: unknown): err is { code: string; message: string } {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 'INVALID_REQUEST' && typeof message === 'string' && PLUGIN_MISSING_MESSAGES.some((re) => re.test(message));
}

/** Turns a gateway failure into WhatsAppPluginMissing when that is what it means; else returns it unchanged. */
export function toWhatsAppError(err: unknown): unknown {
  return isWhatsAppPluginMissing(err) ? new WhatsAppPluginMissing(err.message) : err;
}

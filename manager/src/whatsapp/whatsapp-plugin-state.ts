// Pure: whether an instance's WhatsApp plugin is loaded, waits for its first use, or was switched
// off by the operator, read from the gateway's config (config.get). Instances start with it off
// (scripts/lib/gateway-config.mjs): loading it costs a gateway start several seconds and its memory,
// and most of a user's starts come before they ever pair. The first login turns it on.
export type WhatsAppPluginState = 'on' | 'deferred' | 'denied';

export const WHATSAPP_PLUGIN_ID = 'whatsapp';

/** The config.patch `raw` that turns the plugin on (a JSON merge patch). */
export const WHATSAPP_PLUGIN_ON_PATCH = JSON.stringify({ plugins: { entries: { [WHATSAPP_PLUGIN_ID]: { enabled: true } } } });

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * @example whatsappPluginState({ plugins: { entries: { whatsapp: { enabled: false } } } }) // 'deferred'
 * @example whatsappPluginState({ plugins: { deny: ['whatsapp'] } }) // 'denied'
 */
export function whatsappPluginState(config: unknown): WhatsAppPluginState {
  const plugins = record(record(config).plugins);
  const { allow, deny } = plugins;
  if (plugins.enabled === false) return 'denied';
  if (Array.isArray(deny) && deny.includes(WHATSAPP_PLUGIN_ID)) return 'denied';
  if (Array.isArray(allow) && !allow.includes(WHATSAPP_PLUGIN_ID)) return 'denied';
  return record(record(plugins.entries)[WHATSAPP_PLUGIN_ID]).enabled === false ? 'deferred' : 'on';
}

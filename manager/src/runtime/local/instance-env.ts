// The environment of one local instance: the manager's own minus its OPENCLAW_* settings, plus the
// user's secrets, plus the instance entrypoint's contract variables (which win over both).
import type { InstanceRecord } from './instance-record.js';

export interface InstanceEnvInput {
  readonly base: Readonly<Record<string, string>>;
  readonly record: InstanceRecord;
  readonly stateDir: string;
  readonly token: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly openclawBin: string;
  /** Chromium under another name than `chromium`. */
  readonly chromiumBin?: string;
}

export function buildInstanceEnv(input: InstanceEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.base)) {
    if (!key.startsWith('OPENCLAW_')) env[key] = value;
  }
  Object.assign(env, input.secrets);
  const { ports, display, browser } = input.record;
  Object.assign(env, {
    OPENCLAW_GATEWAY_TOKEN: input.token,
    OPENCLAW_STATE_DIR: input.stateDir,
    OPENCLAW_GATEWAY_PORT: String(ports.gateway),
    OPENCLAW_GATEWAY_BIND: '127.0.0.1',
    OPENCLAW_GATEWAY_INTERNAL_PORT: String(ports.gatewayInternal),
    OPENCLAW_BROWSER_ENABLED: String(browser),
    OPENCLAW_VNC_PORT: String(ports.vnc),
    OPENCLAW_RFB_PORT: String(ports.rfb),
    OPENCLAW_DISPLAY: `:${display}`,
    OPENCLAW_CDP_PORT: String(ports.cdp),
    OPENCLAW_BIN: input.openclawBin,
    OPENCLAW_DISABLE_BONJOUR: '1',
  });
  if (input.chromiumBin !== undefined) env.OPENCLAW_CHROMIUM_BIN = input.chromiumBin;
  return env;
}

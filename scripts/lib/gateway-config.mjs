// Writes the gateway's openclaw.json for the instance entrypoint: the platform's defaults, then the
// template (or the existing file, or nothing) over them, then the keys the platform depends on. Plain Node, no dependencies, so it
// runs on the image's Node 24 and on the machine's Node 20 alike.
// Usage: node gateway-config.mjs <out> <internalPort> <browserEnabled:true|false> <cdpPort> [template]
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * The keys the entrypoint owns; everything else in the template (the chart's ConfigMap, from
 * values.config) is the operator's. The gateway binds loopback behind the in-pod forwarder so that
 * token clients keep their scopes (GHSA-rqpp-rjj8-7wv8); the token comes from the environment.
 */
export function platformConfig({ internalPort, browserEnabled, cdpPort }) {
  return {
    gateway: { mode: 'local', bind: 'loopback', port: internalPort, auth: { mode: 'token' } },
    browser: browserEnabled
      ? {
          enabled: true,
          noSandbox: true,
          defaultProfile: 'pod',
          profiles: { pod: { cdpUrl: `http://127.0.0.1:${cdpPort}` } },
        }
      : { enabled: false },
  };
}

/**
 * What an instance does without unless the operator's template turns it back on. Only the manager can
 * reach an instance (its NetworkPolicy), with a token and no device: nothing pairs with it as a node
 * or device, so the plugins that serve paired nodes, devices and panels, and the Control UI nobody
 * can open, would only cost start-up time and memory. WhatsApp (shared read-only from the seed,
 * plugin-seed.mjs) waits for its first use: the manager's first login turns it on with config.patch,
 * and from then on it stays on (see carriedOver). To keep it off, a template sets
 * plugins.deny: ["whatsapp"].
 */
export const NODE_FACING_PLUGINS = ['canvas', 'cua-computer', 'device-pair', 'file-transfer', 'geolocation', 'linux-node', 'talk-voice'];

export function platformDefaults() {
  return {
    gateway: { controlUi: { enabled: false } },
    plugins: { entries: { whatsapp: { enabled: false }, ...Object.fromEntries(NODE_FACING_PLUGINS.map((id) => [id, { enabled: false }])) } },
  };
}

/** What the running instance turned on that a template must not turn back off: WhatsApp once paired. */
export function carriedOver(existing) {
  return existing?.plugins?.entries?.whatsapp?.enabled === true ? { plugins: { entries: { whatsapp: { enabled: true } } } } : {};
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge where `over` wins; arrays and scalars are replaced whole. */
export function mergeConfig(base, over) {
  const out = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isObject(value) && isObject(out[key]) ? mergeConfig(out[key], value) : value;
  }
  return out;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not plain JSON (${err.message}); the entrypoint merges into JSON only`);
  }
}

function tryReadJson(file) {
  try {
    return readJson(file);
  } catch {
    return undefined;
  }
}

function main([out, port, browser, cdp, template]) {
  if (!out || !port || !browser || !cdp) throw new Error('usage: gateway-config.mjs <out> <port> <browser> <cdp> [template]');
  // With a template the existing file only lends its `meta`, so an unreadable one is not fatal.
  const existing = !existsSync(out) ? undefined : template ? tryReadJson(out) : readJson(out);
  let base = template ? readJson(template) : (existing ?? {});
  // OpenClaw stamps `meta` on its own writes and flags a config without it as clobbered; keep it.
  if (template && isObject(existing?.meta) && !('meta' in base)) base = { ...base, meta: existing.meta };
  const config = mergeConfig(mergeConfig(mergeConfig(platformDefaults(), carriedOver(existing)), base), platformConfig({ internalPort: Number(port), browserEnabled: browser === 'true', cdpPort: Number(cdp) }));
  writeFileSync(`${out}.tmp`, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${out}.tmp`, out);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`gateway-config: ${err.message}\n`);
    process.exit(1);
  }
}

// Writes the gateway's openclaw.json for the instance entrypoint: the template (or the existing file,
// or nothing) with the keys the platform depends on laid over it. Plain Node, no dependencies, so it
// runs on the image's Node 24 and on the machine's Node 20 alike.
// Usage: node gateway-config.mjs <out> <internalPort> <browserEnabled:true|false> <cdpPort> [template]
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The keys the entrypoint owns; everything else in the template is the operator's. */
export function platformConfig({ internalPort, browserEnabled, cdpPort }) {
  return {
    gateway: { mode: 'local', bind: 'loopback', port: internalPort, auth: { mode: 'token' } },
    // The plugin itself is installed into the state dir by the entrypoint; this turns it on.
    plugins: { entries: { whatsapp: { enabled: true } } },
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
  const config = mergeConfig(base, platformConfig({ internalPort: Number(port), browserEnabled: browser === 'true', cdpPort: Number(cdp) }));
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

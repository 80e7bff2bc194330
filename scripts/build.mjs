// Bundles every entry point into one file each, so a plugin directory or the manager image needs no
// node_modules at run time. A bundle whose inputs (as esbuild listed them last time) are unchanged is
// not built again: a warm `npm start` goes straight to the manager.
import { build } from 'esbuild';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const entries = [
  { in: 'plugins/postrender/src/cli.ts', out: 'plugins/postrender/dist/postrender.js' },
  { in: 'plugins/openclaw/src/cli.ts', out: 'plugins/openclaw/dist/openclaw.js' },
  { in: 'manager/src/main.ts', out: 'manager/dist/main.js' },
  // The viewer page's noVNC client, served by the manager.
  { in: 'manager/src/viewer/client/viewer-client.ts', out: 'manager/dist/viewer/viewer.js', browser: true },
  // The WhatsApp pairing page's script, served beside it.
  { in: 'manager/src/viewer/client/pairing-client.ts', out: 'manager/dist/viewer/pairing.js', browser: true },
  // The operator console's page script (Preact, JSX as tsconfig.json sets it); its CSS import becomes console.css.
  { in: 'manager/src/console/client/console-client.tsx', out: 'manager/dist/console/console.js', browser: true },
];

// The build's own recipe is an input of every bundle.
const RECIPE = ['scripts/build.mjs', 'package-lock.json'];

/** size:mtime of a file, or null when it is gone. */
function signature(file) {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

function upToDate(entry, stampFile) {
  if (!existsSync(entry.out) || !existsSync(stampFile)) return false;
  try {
    const inputs = JSON.parse(readFileSync(stampFile, 'utf8'));
    return Object.entries(inputs).every(([file, sig]) => signature(file) === sig);
  } catch {
    return false;
  }
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const built = [];
for (const entry of entries) {
  if (!existsSync(entry.in)) throw new Error(`build entry ${entry.in} is missing`);
  const stampFile = `${entry.out}.inputs.json`;
  if (upToDate(entry, stampFile)) continue;
  const result = await build({
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: entry.browser ? 'browser' : 'node',
    target: entry.browser ? 'es2022' : 'node20',
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: entry.browser ? {} : { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const inputs = Object.fromEntries([...Object.keys(result.metafile.inputs), ...RECIPE].map((file) => [file, signature(file)]));
  writeFileSync(stampFile, `${JSON.stringify(inputs)}\n`);
  built.push(`${entry.out} (${mib(statSync(entry.out).size)})`);
}
process.stderr.write(built.length === 0 ? '==> bundles up to date\n' : `==> built ${built.join(', ')}\n`);

// Bundles every entry point into one file each, so a plugin directory or the manager image needs no
// node_modules at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'plugins/postrender/src/cli.ts', out: 'plugins/postrender/dist/postrender.js' },
  { in: 'plugins/openclaw/src/cli.ts', out: 'plugins/openclaw/dist/openclaw.js' },
  { in: 'manager/src/main.ts', out: 'manager/dist/main.js' },
  // The viewer page's noVNC client, served by the manager.
  { in: 'manager/src/viewer/client/viewer-client.ts', out: 'manager/dist/viewer/viewer.js', browser: true },
];

for (const entry of entries) {
  if (!existsSync(entry.in)) throw new Error(`build entry ${entry.in} is missing`);
  await build({
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: entry.browser ? 'browser' : 'node',
    target: entry.browser ? 'es2022' : 'node20',
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: entry.browser ? {} : { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

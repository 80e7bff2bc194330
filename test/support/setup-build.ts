import { execFileSync } from 'node:child_process';

/** Builds the bundles and finds helm, so `npx vitest` alone behaves like `npm test`. */
export default function setup(): void {
  execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  process.env.HELM_BIN ??= execFileSync('bash', ['scripts/install-helm'], { encoding: 'utf8' }).trim();
  process.env.KUBECTL ??= execFileSync('bash', ['scripts/install-helm', '--kubectl'], { encoding: 'utf8' }).trim();
}

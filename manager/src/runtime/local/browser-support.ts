// Whether this machine can run an instance's browser (Xvfb, x11vnc, websockify + noVNC, Chromium).
// Without them instances run gateway-only, and their status says what is missing.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

export interface BrowserSupport {
  readonly available: boolean;
  /** Programs (or files) that were not found. */
  readonly missing: readonly string[];
  /** The Chromium found, when its name is not plain `chromium`. */
  readonly chromiumBin?: string;
}

const REQUIRED: readonly (readonly string[])[] = [
  ['Xvfb'],
  ['x11vnc'],
  ['websockify'],
  ['chromium', 'chromium-browser', 'google-chrome'],
];
const NOVNC_DIRS = ['/usr/share/novnc'];

/** The full path of `command` on `searchPath`, or undefined. */
export function findOnPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return path.join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Looks the programs up on `searchPath` (a PATH value). */
export function detectBrowserSupport(searchPath: string): BrowserSupport {
  const missing: string[] = [];
  let chromiumBin: string | undefined;
  for (const alternatives of REQUIRED) {
    const found = alternatives.find((c) => findOnPath(c, searchPath) !== undefined);
    if (found === undefined) missing.push(alternatives.join('|'));
    else if (alternatives[0] === 'chromium' && found !== 'chromium') chromiumBin = found;
  }
  if (!NOVNC_DIRS.some((dir) => existsSync(path.join(dir, 'vnc.html')))) missing.push('novnc');
  return { available: missing.length === 0, missing, ...(chromiumBin ? { chromiumBin } : {}) };
}

// Whether this machine can run an instance's browser (Xvfb, x11vnc, websockify + noVNC, Chromium).
// Without them instances run gateway-only, and their status says what is missing.
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

export interface BrowserSupport {
  readonly available: boolean;
  /** Programs (or files) that were not found. */
  readonly missing: readonly string[];
}

const REQUIRED: readonly (readonly string[])[] = [
  ['Xvfb'],
  ['x11vnc'],
  ['websockify'],
  ['chromium', 'chromium-browser', 'google-chrome'],
];
const NOVNC_DIRS = ['/usr/share/novnc'];

function onPath(command: string, searchPath: string): boolean {
  return searchPath.split(path.delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Looks the programs up on `searchPath` (a PATH value). */
export function detectBrowserSupport(searchPath: string): BrowserSupport {
  const missing: string[] = [];
  for (const alternatives of REQUIRED) {
    if (!alternatives.some((c) => onPath(c, searchPath))) missing.push(alternatives.join('|'));
  }
  if (!NOVNC_DIRS.some((dir) => existsSync(path.join(dir, 'vnc.html')))) missing.push('novnc');
  return { available: missing.length === 0, missing };
}

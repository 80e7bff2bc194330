// The console's bundled script and style sheet, built by scripts/build.mjs into manager/dist/console/,
// read once and served from memory. Only the names listed here are served.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../errors/http-error.js';

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Name -> content type (a Map, so a name like "constructor" is not found on a prototype). */
export const CONSOLE_ASSET_TYPES: ReadonlyMap<string, string> = new Map([
  ['console.js', 'text/javascript; charset=utf-8'],
  ['console.js.map', 'application/json; charset=utf-8'],
  ['console.css', 'text/css; charset=utf-8'],
  ['console.css.map', 'application/json; charset=utf-8'],
]);

export class ConsoleAssetNotFound extends HttpError {
  constructor(name: string) {
    super(404, `No console asset "${name}"`, { code: 'NOT_FOUND' });
  }
}

export class ConsoleNotBuilt extends HttpError {
  constructor() {
    super(503, 'The console is not built; run npm run build', { code: 'CONSOLE_NOT_BUILT', expose: true });
  }
}

/**
 * Where the bundle lives: manager/dist/console, seen from this file in manager/src/console/ (tsx,
 * tests) or from the bundled manager/dist/main.js.
 */
export function defaultConsoleAssetDir(moduleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (path.basename(here) === 'console' && path.basename(path.dirname(here)) === 'src') {
    return path.resolve(here, '..', '..', 'dist', 'console');
  }
  return path.resolve(here, 'console');
}

export class ConsoleAssets {
  private readonly cache = new Map<string, Promise<ConsoleAsset>>();

  /** @param dir default defaultConsoleAssetDir() */
  constructor(readonly dir: string = defaultConsoleAssetDir()) {}

  /** The asset called `name`; ConsoleAssetNotFound for other names, ConsoleNotBuilt when missing on disk. */
  get(name: string): Promise<ConsoleAsset> {
    const contentType = CONSOLE_ASSET_TYPES.get(name);
    if (contentType === undefined) return Promise.reject(new ConsoleAssetNotFound(name));
    let asset = this.cache.get(name);
    if (!asset) {
      asset = readFile(path.join(this.dir, name)).then(
        (body) => ({ body, contentType }),
        (cause: unknown) => {
          this.cache.delete(name);
          throw (cause as NodeJS.ErrnoException).code === 'ENOENT' ? new ConsoleNotBuilt() : cause;
        },
      );
      this.cache.set(name, asset);
    }
    return asset;
  }
}

// The bundled scripts of the manager's pages (the VNC viewer, the WhatsApp pairing page), built by
// scripts/build.mjs into manager/dist/viewer/, read once and served from memory. Only the names
// listed here are served.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../errors/http-error.js';

export interface ViewerAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

const ASSETS: Readonly<Record<string, string>> = {
  'viewer.js': 'text/javascript; charset=utf-8',
  'viewer.js.map': 'application/json; charset=utf-8',
  'pairing.js': 'text/javascript; charset=utf-8',
  'pairing.js.map': 'application/json; charset=utf-8',
};

/** Every name GET /viewer/assets/:name serves. */
export const VIEWER_ASSET_NAMES: readonly string[] = Object.keys(ASSETS);

export class ViewerAssetNotFound extends HttpError {
  constructor(name: string) {
    super(404, `No viewer asset "${name}"`, { code: 'NOT_FOUND' });
  }
}

export class ViewerNotBuilt extends HttpError {
  constructor() {
    super(503, 'The viewer is not built; run npm run build', { code: 'VIEWER_NOT_BUILT', expose: true });
  }
}

/**
 * Where the bundle lives: manager/dist/viewer, seen from this file in manager/src/viewer/ (tsx,
 * tests) or from the bundled manager/dist/main.js.
 */
export function defaultViewerAssetDir(moduleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (path.basename(here) === 'viewer' && path.basename(path.dirname(here)) === 'src') {
    return path.resolve(here, '..', '..', 'dist', 'viewer');
  }
  return path.resolve(here, 'viewer');
}

export class ViewerAssets {
  private readonly cache = new Map<string, Promise<ViewerAsset>>();

  /** @param dir default defaultViewerAssetDir() */
  constructor(readonly dir: string = defaultViewerAssetDir()) {}

  /** The asset called `name`; ViewerAssetNotFound for other names, ViewerNotBuilt when missing on disk. */
  get(name: string): Promise<ViewerAsset> {
    const contentType = ASSETS[name];
    if (contentType === undefined) return Promise.reject(new ViewerAssetNotFound(name));
    let asset = this.cache.get(name);
    if (!asset) {
      asset = readFile(path.join(this.dir, name)).then(
        (body) => ({ body, contentType }),
        (cause: unknown) => {
          this.cache.delete(name);
          throw (cause as NodeJS.ErrnoException).code === 'ENOENT' ? new ViewerNotBuilt() : cause;
        },
      );
      this.cache.set(name, asset);
    }
    return asset;
  }
}

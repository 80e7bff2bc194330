// The bundled files of a page the manager serves (the VNC viewer and pairing page, the console),
// built by scripts/build.mjs into manager/dist/<bundle>/, read once and served from memory. Only
// the names a bundle lists are served.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../errors/http-error.js';

export interface BundleAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

export class BundleAssetNotFound extends HttpError {
  constructor(bundle: string, name: string) {
    super(404, `No ${bundle} asset "${name}"`, { code: 'NOT_FOUND' });
  }
}

export class BundleNotBuilt extends HttpError {
  constructor(bundle: string) {
    super(503, `The ${bundle} is not built; run npm run build`, { code: `${bundle.toUpperCase()}_NOT_BUILT`, expose: true });
  }
}

/**
 * Where a bundle lives: manager/dist/<bundle>, seen from a file in manager/src/<folder>/ (tsx,
 * tests) or from the bundled manager/dist/main.js.
 */
export function bundleDir(bundle: string, moduleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  if (path.basename(path.dirname(here)) === 'src') return path.resolve(here, '..', '..', 'dist', bundle);
  return path.resolve(here, bundle);
}

export class BundleAssets {
  private readonly cache = new Map<string, Promise<BundleAsset>>();

  /** @param types name -> content type (a Map, so a name like "constructor" is not found on a prototype) */
  constructor(
    private readonly bundle: string,
    private readonly types: ReadonlyMap<string, string>,
    readonly dir: string = bundleDir(bundle),
  ) {}

  /** The asset called `name`; BundleAssetNotFound for other names, BundleNotBuilt when missing on disk. */
  get(name: string): Promise<BundleAsset> {
    const contentType = this.types.get(name);
    if (contentType === undefined) return Promise.reject(new BundleAssetNotFound(this.bundle, name));
    let asset = this.cache.get(name);
    if (!asset) {
      asset = readFile(path.join(this.dir, name)).then(
        (body) => ({ body, contentType }),
        (cause: unknown) => {
          this.cache.delete(name);
          throw (cause as NodeJS.ErrnoException).code === 'ENOENT' ? new BundleNotBuilt(this.bundle) : cause;
        },
      );
      this.cache.set(name, asset);
    }
    return asset;
  }
}

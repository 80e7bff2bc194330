// The console's bundled script and style sheet (manager/dist/console/).
import { BundleAssets, bundleDir } from '../assets/bundle-assets.js';

/** Name -> content type of what GET /console/assets/:name serves. */
export const CONSOLE_ASSET_TYPES: ReadonlyMap<string, string> = new Map([
  ['console.js', 'text/javascript; charset=utf-8'],
  ['console.js.map', 'application/json; charset=utf-8'],
  ['console.css', 'text/css; charset=utf-8'],
  ['console.css.map', 'application/json; charset=utf-8'],
]);

export class ConsoleAssets extends BundleAssets {
  constructor(dir: string = bundleDir('console', import.meta.url)) {
    super('console', CONSOLE_ASSET_TYPES, dir);
  }
}

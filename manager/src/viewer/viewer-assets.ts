// The bundled scripts of the VNC viewer and the WhatsApp pairing page (manager/dist/viewer/).
import { BundleAssets, bundleDir } from '../assets/bundle-assets.js';

const VIEWER_ASSET_TYPES: ReadonlyMap<string, string> = new Map([
  ['viewer.js', 'text/javascript; charset=utf-8'],
  ['viewer.js.map', 'application/json; charset=utf-8'],
  ['pairing.js', 'text/javascript; charset=utf-8'],
  ['pairing.js.map', 'application/json; charset=utf-8'],
]);

/** Every name GET /viewer/assets/:name serves. */
export const VIEWER_ASSET_NAMES: readonly string[] = [...VIEWER_ASSET_TYPES.keys()];

/** manager/dist/viewer, seen from `moduleUrl` (this file, or the bundled main.js). */
export const defaultViewerAssetDir = (moduleUrl: string = import.meta.url): string => bundleDir('viewer', moduleUrl);

export class ViewerAssets extends BundleAssets {
  constructor(dir: string = defaultViewerAssetDir()) {
    super('viewer', VIEWER_ASSET_TYPES, dir);
  }
}

// Types of the ESLint plugin in import-layers.js (plain JS, so eslint.config.js loads it as is).
import type { ESLint } from 'eslint';

export interface Layer {
  readonly name: string;
  readonly paths: readonly string[];
}

export const LAYERS: readonly Layer[];
declare const plugin: ESLint.Plugin;
export default plugin;

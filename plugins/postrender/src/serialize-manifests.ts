// Objects -> multi-document YAML for Helm. YAML 1.1 output, so strings such as "yes", "on", "0755"
// or "12:30" are quoted and read back by go-yaml v2 as the same strings.
import { stringify } from 'yaml';
import type { Manifest } from './manifest.js';

/** Serializes objects as `---`-separated documents, without folding long strings. */
export function serializeManifests(docs: readonly Manifest[]): string {
  return docs.map((doc) => `---\n${stringify(doc, { version: '1.1', lineWidth: 0, minContentWidth: 0 })}`).join('');
}

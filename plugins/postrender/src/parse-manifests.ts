// Multi-document YAML -> objects, in order, empty documents dropped. Parses with YAML 1.1 rules
// because Helm reads the output with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): `yes`/`on` are
// booleans there, so they must be here too.
import { parseAllDocuments, type Tags } from 'yaml';
import { EmptyManifest, ManifestParseFailed } from './errors.js';
import type { Manifest } from './manifest.js';

// go-yaml v2 keeps sexagesimal numbers (12:30) as strings, and a plain timestamp must stay the text
// the chart wrote; serialize-manifests quotes both on the way out.
const keepAsString = (tags: Tags): Tags =>
  tags.filter((tag) => typeof tag === 'string' || (tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME'));

/**
 * Parses Helm's rendered manifests. Throws ManifestParseFailed (1-based document index) on a YAML
 * error or a document that is not a mapping, EmptyManifest when no object remains.
 */
export function parseManifests(text: string): Manifest[] {
  const documents = parseAllDocuments(text, { version: '1.1', customTags: keepAsString, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [];
  const manifests: Manifest[] = [];
  list.forEach((document, i) => {
    const index = i + 1;
    const error = document.errors[0];
    if (error) throw new ManifestParseFailed(index, `invalid YAML: ${error.message.split('\n')[0] ?? ''}`);
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ManifestParseFailed(index, `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`);
    }
    manifests.push(value as Manifest);
  });
  if (manifests.length === 0) throw new EmptyManifest();
  return manifests;
}

// Adds the labels and annotations given as post-renderer arguments. Pure: returns copies. Labels go
// on every object and on pod templates (so pods carry them too), never on selectors, which are
// immutable on Deployments; annotations go on objects only, so changing one restarts no pod.
import { DecorationConflict } from './errors.js';
import { asRecord, objectRef, type Manifest } from './manifest.js';
import type { PostRenderOptions } from './args.js';
import { podTemplateMetadataOf } from './pod-specs.js';

export type DecorateOptions = Pick<PostRenderOptions, 'labels' | 'annotations'>;

/**
 * Returns the documents with the extra labels and annotations. An existing key with the same value
 * is fine; a different value throws DecorationConflict (a post-renderer must not silently rewrite
 * what the chart decided, e.g. `openclaw.ai/user`).
 */
export function decorate(docs: readonly Manifest[], options: DecorateOptions): Manifest[] {
  return docs.map((original) => {
    const doc = structuredClone(original);
    const ref = objectRef(doc);
    if (Object.keys(options.labels).length > 0) {
      merge(ensureMetadata(doc), 'labels', options.labels, ref);
      const templateMetadata = podTemplateMetadataOf(doc);
      if (templateMetadata) merge(templateMetadata, 'labels', options.labels, `${ref} pod template`);
    }
    if (Object.keys(options.annotations).length > 0) merge(ensureMetadata(doc), 'annotations', options.annotations, ref);
    return doc;
  });
}

function ensureMetadata(doc: Manifest): Record<string, unknown> {
  if (asRecord(doc.metadata) !== doc.metadata) doc.metadata = {};
  return doc.metadata as Record<string, unknown>;
}

function merge(
  metadata: Record<string, unknown>,
  field: 'labels' | 'annotations',
  extra: Readonly<Record<string, string>>,
  where: string,
): void {
  const current = asRecord(metadata[field]);
  for (const [key, value] of Object.entries(extra)) {
    const existing = current[key];
    if (existing !== undefined && existing !== value) {
      const noun = field === 'labels' ? 'label' : 'annotation';
      throw new DecorationConflict(`${where}: ${noun} ${key} is already "${String(existing)}", refusing to set "${value}"`);
    }
  }
  metadata[field] = { ...current, ...extra };
}

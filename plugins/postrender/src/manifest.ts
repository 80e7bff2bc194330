// The shapes the post-renderer works on: one parsed Kubernetes object per YAML document, and the
// violations the policy reports about them.

/** A rendered Kubernetes object as parsed from YAML; fields are read defensively. */
export type Manifest = Record<string, unknown>;

/** One broken rule: `object` is `Kind/name`, `rule` the rule id, `message` what is wrong. */
export interface Violation {
  readonly object: string;
  readonly rule: string;
  readonly message: string;
}

/** The object's `Kind/name`, with `?` for a missing part, as used in every violation. */
export function objectRef(doc: Manifest): string {
  const kind = typeof doc.kind === 'string' && doc.kind !== '' ? doc.kind : '?';
  const name = metadataOf(doc).name;
  return `${kind}/${typeof name === 'string' && name !== '' ? name : '?'}`;
}

/** `metadata` as a record, or an empty one when absent or malformed. */
export function metadataOf(doc: Manifest): Record<string, unknown> {
  return asRecord(doc.metadata);
}

/** The string-valued entries of `metadata.labels`. */
export function labelsOf(doc: Manifest): Record<string, string> {
  return stringMap(metadataOf(doc).labels);
}

/** `value` when it is a plain object, else an empty record. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The elements of `value` that are plain objects, or none when it is not an array. */
export function asRecords(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => asRecord(v) === v) : [];
}

/** The string-valued entries of a map such as labels or matchLabels. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

// Rule kubernetes-schema: each object validates against the OpenAPI schema of its apiVersion/kind as
// published by kubernetes-models. Those schemas check types, enums, required fields and formats
// (quantities, int-or-string); they do not reject unknown fields.
import { metadataOf, objectRef, type Manifest, type Violation } from '../manifest.js';
import { resolveModel } from '../model-registry.js';
import type { Rule } from './rule.js';

export const RULE = 'kubernetes-schema';

interface SchemaError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly allowedValues?: unknown };
}

export const kubernetesSchema: Rule = (docs) => docs.flatMap(checkObject);

function checkObject(doc: Manifest): Violation[] {
  const object = objectRef(doc);
  const violation = (message: string): Violation => ({ object, rule: RULE, message });
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    return [violation('object has no apiVersion and kind')];
  }
  const name = metadataOf(doc).name;
  const missingName = typeof name === 'string' && name !== '' ? [] : [violation('object has no metadata.name')];

  const Model = resolveModel(apiVersion, kind);
  if (!Model) return [...missingName, violation(`no schema for ${apiVersion}/${kind}`)];
  try {
    new Model(doc).validate();
    return missingName;
  } catch (error) {
    return [...missingName, ...describe(error).map(violation)];
  }
}

// One message per offending path: ajv reports a oneOf (e.g. a quantity) as several errors there.
function describe(error: unknown): string[] {
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return [`schema validation failed: ${String(error)}`];
  const byPath = new Map<string, string[]>();
  for (const e of errors as SchemaError[]) {
    const path = e.instancePath ? jsonPointerToPath(e.instancePath) : '(root)';
    const messages = byPath.get(path) ?? [];
    const allowed = Array.isArray(e.params?.allowedValues) ? ` (${e.params.allowedValues.map(String).join(', ')})` : '';
    const message = e.message ? `${e.message}${allowed}` : undefined;
    if (message && !messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) => `${path}: ${messages.join(', ')}`);
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

// The post-renderer as one pure function: rendered YAML + arguments in, decorated YAML or the list of
// violations out. Decoration happens first so that what is checked is exactly what Helm applies.
import { parseArgs } from './args.js';
import { decorate } from './decorate.js';
import type { Violation } from './manifest.js';
import { parseManifests } from './parse-manifests.js';
import { policy } from './policy.js';
import { serializeManifests } from './serialize-manifests.js';

export type PostRenderResult =
  | { readonly ok: true; readonly output: string }
  | { readonly ok: false; readonly violations: readonly Violation[] };

/**
 * Runs parse -> decorate -> policy -> serialize. Throws a PostRenderError subclass for bad arguments
 * or unparsable input; returns the violations when the render breaks the policy.
 */
export function postrender(input: string, argv: readonly string[]): PostRenderResult {
  const options = parseArgs(argv);
  const docs = decorate(parseManifests(input), options);
  const violations = policy(docs, options);
  if (violations.length > 0) return { ok: false, violations };
  return { ok: true, output: serializeManifests(docs) };
}

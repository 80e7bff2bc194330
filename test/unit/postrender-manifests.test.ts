import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EmptyManifest, ManifestParseFailed } from '../../plugins/postrender/src/errors.js';
import { parseManifests } from '../../plugins/postrender/src/parse-manifests.js';
import { serializeManifests } from '../../plugins/postrender/src/serialize-manifests.js';

describe('postrender parse-manifests', () => {
  it('keeps the order and drops empty documents (Helm emits comment-only ones)', () => {
    const text = '---\n# Source: openclaw/templates/a.yaml\n---\nkind: A\n---\n\n---\nkind: B\n---\nkind: C\n...\n';
    expect(parseManifests(text).map((d) => d.kind)).toEqual(['A', 'B', 'C']);
  });

  it.each([
    { name: 'empty input', text: '', error: EmptyManifest, message: 'no Kubernetes object on stdin (empty render)' },
    { name: 'only comments', text: '---\n# Source: x\n---\n', error: EmptyManifest, message: 'no Kubernetes object on stdin' },
    { name: 'bad YAML in the 2nd document', text: 'kind: A\n---\nkind: [B\n', error: ManifestParseFailed, message: 'document 2: invalid YAML' },
    { name: 'duplicate key', text: 'kind: A\nkind: B\n', error: ManifestParseFailed, message: 'document 1: invalid YAML: Map keys must be unique' },
    { name: 'a list', text: 'kind: A\n---\n- a\n', error: ManifestParseFailed, message: 'document 2: expected a Kubernetes object (a mapping), got a list' },
    { name: 'a scalar', text: 'hello\n', error: ManifestParseFailed, message: 'document 1: expected a Kubernetes object (a mapping), got string' },
  ])('refuses $name', ({ text, error, message }) => {
    expect(() => parseManifests(text)).toThrow(error);
    expect(() => parseManifests(text)).toThrow(message);
  });

  // Helm reads the output with go-yaml v2 (YAML 1.1): the values must mean the same thing there.
  it.each([
    { yaml: 'v: yes', value: true },
    { yaml: 'v: on', value: true },
    { yaml: "v: 'yes'", value: 'yes' },
    { yaml: 'v: 0755', value: 493 },
    { yaml: 'v: "0755"', value: '0755' },
    { yaml: 'v: 12:30', value: '12:30' },
    { yaml: 'v: 2026-01-02', value: '2026-01-02' },
    { yaml: 'v: 1.10', value: 1.1 },
    { yaml: 'v: "1.10"', value: '1.10' },
    { yaml: 'v: ~', value: null },
  ])('reads $yaml as YAML 1.1 does', ({ yaml, value }) => {
    expect(parseManifests(`kind: A\n${yaml}\n`)[0]?.v).toEqual(value);
  });
});

describe('postrender serialize-manifests', () => {
  const docs = [
    { kind: 'ConfigMap', data: { a: 'yes', b: 'on', c: '0755', d: '12:30', e: '2026-01-02', f: 'true', g: '1.10', n: 'n' } },
    { kind: 'Secret', stringData: { script: 'line one\nline two\n', long: 'x'.repeat(300) } },
  ];

  it('round-trips through the parser unchanged', () => {
    expect(parseManifests(serializeManifests(docs))).toEqual(docs);
  });

  it('quotes strings that YAML 1.1 would read as something else', () => {
    const out = serializeManifests(docs);
    for (const value of ['yes', 'on', '0755', '12:30', '2026-01-02', 'true', '1.10', 'n']) expect(out).toContain(`"${value}"`);
  });

  it('writes one document per object and never folds long strings', () => {
    const out = serializeManifests(docs);
    expect(out.startsWith('---\n')).toBe(true);
    expect(parseAllDocuments(out)).toHaveLength(2);
    expect(out).toContain(`long: ${'x'.repeat(300)}\n`);
  });
});

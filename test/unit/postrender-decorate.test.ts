import { describe, expect, it } from 'vitest';
import { decorate } from '../../plugins/postrender/src/decorate.js';
import { DecorationConflict } from '../../plugins/postrender/src/errors.js';
import { cleanRender, deployment, edited } from './postrender-fixtures.js';

type Meta = { labels?: Record<string, string>; annotations?: Record<string, string> };
const meta = (doc: Record<string, unknown>): Meta => doc.metadata as Meta;

describe('postrender decorate', () => {
  it('adds labels to every object and to pod templates, never to selectors', () => {
    const out = decorate(cleanRender(), { labels: { team: 'x' }, annotations: {} });
    for (const doc of out) expect(meta(doc).labels?.team, String(doc.kind)).toBe('x');
    const d = out.find((doc) => doc.kind === 'Deployment') as { spec: { selector: { matchLabels: object }; template: { metadata: Meta } } };
    expect(d.spec.template.metadata.labels?.team).toBe('x');
    expect(d.spec.selector.matchLabels).not.toHaveProperty('team');
  });

  it('adds annotations to objects only', () => {
    const out = decorate(cleanRender(), { labels: {}, annotations: { 'example.com/owner': 'ops' } });
    for (const doc of out) expect(meta(doc).annotations?.['example.com/owner']).toBe('ops');
    const d = out.find((doc) => doc.kind === 'Deployment') as { spec: { template: { metadata: Meta } } };
    expect(d.spec.template.metadata.annotations).toBeUndefined();
  });

  it('keeps existing annotations and creates missing metadata', () => {
    const [pvc, bare] = decorate([cleanRender()[3] ?? {}, { kind: 'ConfigMap' }], { labels: { team: 'x' }, annotations: { a: 'b' } });
    expect(meta(pvc ?? {}).annotations).toEqual({ 'helm.sh/resource-policy': 'keep', a: 'b' });
    expect(bare?.metadata).toEqual({ labels: { team: 'x' }, annotations: { a: 'b' } });
  });

  it('returns copies and leaves its input alone', () => {
    const input = cleanRender();
    const before = structuredClone(input);
    decorate(input, { labels: { team: 'x' }, annotations: { a: 'b' } });
    expect(input).toEqual(before);
  });

  const templateOnly = () => [edited(deployment(), (d) => delete d.metadata.labels['app.kubernetes.io/instance'])];
  interface ConflictRow {
    readonly name: string;
    readonly docs: () => Record<string, unknown>[];
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    readonly message: string;
  }
  it.each<ConflictRow>([
    { name: 'the user label', docs: cleanRender, labels: { 'openclaw.ai/user': 'bob' }, annotations: {}, message: 'NetworkPolicy/alice-openclaw: label openclaw.ai/user is already "alice", refusing to set "bob"' },
    { name: 'a pod template label', docs: templateOnly, labels: { 'app.kubernetes.io/instance': 'other' }, annotations: {}, message: 'Deployment/alice-openclaw pod template: label app.kubernetes.io/instance is already "alice-openclaw", refusing to set "other"' },
    { name: 'an annotation', docs: cleanRender, labels: {}, annotations: { 'helm.sh/resource-policy': 'delete' }, message: 'PersistentVolumeClaim/alice-openclaw-data: annotation helm.sh/resource-policy is already "keep"' },
  ])('refuses to overwrite $name with a different value', ({ docs, labels, annotations, message }) => {
    expect(() => decorate(docs(), { labels, annotations })).toThrow(DecorationConflict);
    expect(() => decorate(docs(), { labels, annotations })).toThrow(message);
  });

  it('accepts a label equal to the one already set', () => {
    expect(() => decorate(cleanRender(), { labels: { 'openclaw.ai/user': 'alice' }, annotations: {} })).not.toThrow();
  });
});

// Which revision a rollback with none named goes to, and a release's revisions read from helm's JSON.
import { describe, expect, it } from 'vitest';
import { previousImageRevision } from '../../manager/src/lifecycle/rollback-target.js';
import type { InstanceRevision } from '../../manager/src/runtime/instance-runtime.js';
import { parseHistory, revisionImage, toRevisions } from '../../manager/src/runtime/helm/release-history.js';

/** Revisions newest first from [revision, tag, cause, status?] rows given oldest first. */
function history(...rows: [number, string, string, string?][]): InstanceRevision[] {
  return rows.map(([revision, imageTag, cause, status]) => ({
    revision, imageTag, imageDigest: null, at: new Date(revision * 1000).toISOString(), status: status ?? 'superseded', cause,
  })).reverse();
}

describe('previousImageRevision', () => {
  it('passes over stop and start revisions on the same image', () => {
    const target = previousImageRevision(history([1, 'a', 'create'], [2, 'a', 'stop'], [3, 'a', 'start'], [4, 'b', 'upgrade to b']));
    expect(target?.revision).toBe(3);
  });

  it('never goes back to a revision a rollback already left', () => {
    const revisions = history([1, 'a', 'create'], [2, 'b', 'upgrade to b'], [3, 'a', 'Rollback to 1'], [4, 'c', 'upgrade to c']);
    expect(previousImageRevision(revisions)?.revision).toBe(3);
    expect(previousImageRevision(revisions.slice(1))).toBeUndefined();
  });

  it('follows several rollbacks, and a rollback to a later revision', () => {
    const revisions = history([1, 'a', 'create'], [2, 'c', 'x'], [3, 'a', 'Rollback to 1'], [4, 'b', 'y'], [5, 'a', 'Rollback to 3']);
    expect(previousImageRevision(revisions)).toBeUndefined();
    const forward = history([1, 'a', 'create'], [2, 'b', 'x'], [3, 'a', 'Rollback to 1'], [4, 'c', 'y'], [5, 'd', 'z'], [6, 'c', 'Rollback to 4']);
    expect(previousImageRevision(forward)?.revision).toBe(3);
  });

  it('leaves out helm\'s failed revisions, and tells images apart by digest too', () => {
    expect(previousImageRevision(history([1, 'a', 'create'], [2, 'b', 'u', 'failed'], [3, 'c', 'u']))?.revision).toBe(1);
    const pinned = history([1, 'a', 'create'], [2, 'a', 'pin']).map((r) => (r.revision === 2 ? { ...r, imageDigest: `sha256:${'1'.repeat(64)}` } : r));
    expect(previousImageRevision(pinned)?.revision).toBe(1);
    expect(previousImageRevision([])).toBeUndefined();
    expect(previousImageRevision(history([1, 'a', 'create']))).toBeUndefined();
  });
});

describe('release history', () => {
  const json = JSON.stringify([
    { revision: 1, updated: '2026-12-01T10:00:00.5Z', status: 'superseded', chart: 'openclaw-0.2.2', app_version: '2026.9.6', description: 'create' },
    { revision: 2, updated: '2026-12-02T10:00:00Z', status: 'deployed', chart: 'openclaw-0.2.2', app_version: '2026.9.6', description: 'fleet run 0123456789ab: upgrade to v2' },
  ]);

  it('reads helm history and each revision\'s image, newest first, the chart\'s appVersion standing for an empty tag', () => {
    const entries = parseHistory(json);
    const images = new Map([
      [1, revisionImage(JSON.stringify({ image: { repository: 'r', tag: '', digest: '' }, secrets: { K: 'v' } }), '2026.9.6')],
      [2, revisionImage(JSON.stringify({ image: { tag: 'v2', digest: `sha256:${'a'.repeat(64)}` } }), '2026.9.6')],
    ]);
    expect(toRevisions(entries, images)).toEqual([
      { revision: 2, imageTag: 'v2', imageDigest: `sha256:${'a'.repeat(64)}`, at: '2026-12-02T10:00:00.000Z', status: 'deployed', cause: 'fleet run 0123456789ab: upgrade to v2' },
      { revision: 1, imageTag: '2026.9.6', imageDigest: null, at: '2026-12-01T10:00:00.500Z', status: 'superseded', cause: 'create' },
    ]);
  });

  it('copes with helm printing nothing, null values and a time it cannot parse', () => {
    expect(parseHistory('')).toEqual([]);
    expect(revisionImage('null', '1.0')).toEqual({ imageTag: '1.0', imageDigest: null });
    const odd = toRevisions([{ revision: 1, updated: 'soon', status: 'deployed', appVersion: '1.0', description: '' }], new Map());
    expect(odd[0]).toMatchObject({ at: 'soon', imageTag: '1.0' });
  });
});

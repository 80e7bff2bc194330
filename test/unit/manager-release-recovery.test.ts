import { describe, expect, it } from 'vitest';
import { buildListUnsettledArgs, buildStatusArgs } from '../../manager/src/runtime/helm/helm-args.js';
import type { HistoryEntry } from '../../manager/src/runtime/helm/release-history.js';
import { isUnfinishedInstall, parseList, parseStatus, rollbackTarget } from '../../manager/src/runtime/helm/release-recovery.js';

describe('isUnfinishedInstall', () => {
  it.each([
    ['pending-install', 1, true],
    ['failed', 1, true],
    ['failed', 3, false],
    ['deployed', 1, false],
    ['pending-upgrade', 2, false],
    ['uninstalling', 1, false],
  ])('%s at revision %i: %s', (status, revision, expected) => {
    expect(isUnfinishedInstall({ name: 'a-openclaw', status, revision })).toBe(expected);
  });
});

describe('rollbackTarget', () => {
  const history = (...statuses: string[]): HistoryEntry[] =>
    statuses.map((status, i) => ({ revision: i + 1, status, updated: '', appVersion: '1.0.0', description: '' }));

  it('goes back to the deployed revision when the newest upgrade or rollback never finished', () => {
    expect(rollbackTarget(history('superseded', 'deployed', 'pending-upgrade'))).toBe(2);
    expect(rollbackTarget(history('superseded', 'deployed', 'failed', 'pending-rollback'))).toBe(2);
  });

  it('takes the newest superseded revision when none is deployed', () => {
    expect(rollbackTarget(history('superseded', 'superseded', 'failed', 'pending-upgrade'))).toBe(2);
  });

  it('leaves a release alone that is not pending, or has nothing to go back to', () => {
    expect(rollbackTarget(history('superseded', 'deployed'))).toBeUndefined();
    expect(rollbackTarget(history('deployed', 'failed'))).toBeUndefined();
    expect(rollbackTarget(history('pending-install'))).toBeUndefined();
    expect(rollbackTarget(history('failed', 'pending-upgrade'))).toBeUndefined();
    expect(rollbackTarget([])).toBeUndefined();
  });
});

describe('helm status and list', () => {
  it('builds argument arrays', () => {
    expect(buildStatusArgs('a-openclaw', 'openclaw')).toEqual(['status', 'a-openclaw', '--namespace', 'openclaw', '--output', 'json']);
    expect(buildListUnsettledArgs('openclaw', 'openclaw.ai/user')).toEqual([
      'list', '--namespace', 'openclaw', '--pending', '--failed', '--selector', 'openclaw.ai/user', '--output', 'json',
    ]);
  });

  it('parses helm 4 JSON (status: version is a number; list: revision is a string)', () => {
    expect(parseStatus('{"name":"a-openclaw","info":{"status":"pending-install"},"version":1}')).toEqual({ name: 'a-openclaw', status: 'pending-install', revision: 1 });
    expect(parseList('[{"name":"a-openclaw","namespace":"openclaw","revision":"1","status":"failed"}]')).toEqual([{ name: 'a-openclaw', status: 'failed', revision: 1 }]);
    expect(parseList('')).toEqual([]);
  });
});

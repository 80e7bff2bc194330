import { describe, expect, it } from 'vitest';
import { buildListUnsettledArgs, buildStatusArgs } from '../../manager/src/runtime/helm/helm-args.js';
import { isUnfinishedInstall, parseList, parseStatus } from '../../manager/src/runtime/helm/release-recovery.js';

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

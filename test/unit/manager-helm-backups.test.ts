import type { CoreV1Event, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../manager/src/contracts/backup.js';
import { BACKUPS_SELECTOR, backupLabels, backupRecordsName, backupSnapshotName } from '../../manager/src/names/object-names.js';
import { isBackupId } from '../../manager/src/names/backup-id.js';
import { parseIntent } from '../../manager/src/runtime/backup-store.js';
import { INTENT_KEY, parseRecords, recordJson, recordKey } from '../../manager/src/runtime/helm/backup-records.js';
import { claimAccepts, revisionRestoreFrom } from '../../manager/src/runtime/helm/claim-source.js';
import { quantityBytes } from '../../manager/src/runtime/helm/quantity-bytes.js';
import { restoredClaimState } from '../../manager/src/runtime/helm/restored-claim.js';

const record: BackupRecord = {
  id: '0123456789ab', userId: 'alice', state: 'ready', consistency: 'stopped', reason: 'requested', createdAt: '2026-03-01T10:00:00.000Z',
  finishedAt: '2026-03-01T10:00:12.000Z', sizeBytes: 1073741824, offlineSeconds: 12.5, wasRunning: true, error: null,
  location: 'alice-openclaw-backup-0123456789ab',
};

describe('backup object names', () => {
  it('names the records ConfigMap and each copy after the user, within a DNS subdomain', () => {
    expect(backupRecordsName('alice')).toBe('alice-openclaw-backups');
    expect(backupSnapshotName('alice', '0123456789ab')).toBe('alice-openclaw-backup-0123456789ab');
    // The longest user id (40) and an id (12) still make a name far below 253 characters.
    expect(backupSnapshotName('a'.repeat(40), 'f'.repeat(12))).toHaveLength(69);
  });

  it('labels records and copies so that one selector finds every user\'s, and never a Helm object', () => {
    expect(backupLabels('alice')).toEqual({ 'openclaw.ai/user': 'alice', 'app.kubernetes.io/component': 'backups', 'app.kubernetes.io/managed-by': 'openclaw-manager' });
    expect(BACKUPS_SELECTOR).toBe('openclaw.ai/user,app.kubernetes.io/component=backups,app.kubernetes.io/managed-by=openclaw-manager');
  });
});

describe('quantityBytes', () => {
  it.each([
    ['1Gi', 1073741824],
    ['10737418240', 10737418240],
    ['1.5Gi', 1610612736],
    ['500M', 500_000_000],
    ['1.5k', 1500],
    ['.5Ki', 512],
    ['1e3', 1000],
    ['2E6', 2_000_000],
    ['+4Ki', 4096],
    ['100m', 1],
    ['0', 0],
    [' 1Mi ', 1048576],
    ['', null],
    ['lots', null],
    ['-1Gi', null],
    ['1GB', null],
    ['1Ei', null],
  ])('%j -> %j', (quantity, bytes) => {
    expect(quantityBytes(quantity)).toBe(bytes);
  });
});

describe('backup records in a ConfigMap', () => {
  it.each([
    ['0123456789ab', true], ['ffffffffffff', true], ['0123456789AB', false], ['0123456789a', false], ['../etc/passw', false],
  ])('backup id %j: %s', (id, valid) => {
    expect(isBackupId(id)).toBe(valid);
  });

  it('reads back what it writes, under the record\'s own key', () => {
    const data = { [recordKey(record.id)]: recordJson(record) };
    expect(Object.keys(data)).toEqual(['0123456789ab.json']);
    expect(parseRecords(data, 'alice')).toEqual({ records: [record], invalid: [] });
  });

  it('stores the record\'s fields only', () => {
    const wider = { ...record, token: 'not-a-record-field' };
    expect(JSON.parse(recordJson(wider))).toEqual(record);
  });

  it('answers newest first (by createdAt, then id)', () => {
    const older = { ...record, id: '000000000001', createdAt: '2026-02-01T00:00:00.000Z' };
    const twin = { ...record, id: 'ffffffffffff' };
    const data = Object.fromEntries([older, record, twin].map((r) => [recordKey(r.id), recordJson(r)]));
    expect(parseRecords(data, 'alice').records.map((r) => r.id)).toEqual(['ffffffffffff', '0123456789ab', '000000000001']);
  });

  it('keeps the restore under way beside the records, not as one', () => {
    const intent = { userId: 'alice', backupId: '0123456789ab', safetyId: 'ba9876543210', wasRunning: true, restored: false };
    const data = { [recordKey(record.id)]: recordJson(record), [INTENT_KEY]: JSON.stringify(intent) };
    expect(parseRecords(data, 'alice')).toEqual({ records: [record], invalid: [] });
    expect(parseIntent(data[INTENT_KEY], 'alice')).toEqual(intent);
    expect(parseIntent(JSON.stringify({ ...intent, safetyId: '../x' }), 'alice')).toBeUndefined();
    expect(parseIntent('{', 'alice')).toBeUndefined();
    expect(parseIntent(undefined, 'alice')).toBeUndefined();
  });

  it('has no records without data', () => {
    expect(parseRecords(undefined, 'alice')).toEqual({ records: [], invalid: [] });
  });

  it.each([
    ['not JSON', '{', '0123456789ab.json'],
    ['another user\'s record', recordJson({ ...record, userId: 'bob' }), '0123456789ab.json'],
    ['a record under another key', recordJson(record), 'aaaaaaaaaaaa.json'],
    ['an unknown state', JSON.stringify({ ...record, state: 'done' }), '0123456789ab.json'],
    ['an unknown consistency', JSON.stringify({ ...record, consistency: 'crash' }), '0123456789ab.json'],
    ['a missing field', JSON.stringify({ ...record, location: undefined }), '0123456789ab.json'],
    ['a size that is not a number', JSON.stringify({ ...record, sizeBytes: '1Gi' }), '0123456789ab.json'],
    ['JSON null', 'null', '0123456789ab.json'],
  ])('skips %s and names its key', (_name, value, key) => {
    const good = { ...record, id: '00000000000a' };
    const data = { [key]: value, [recordKey(good.id)]: recordJson(good) };
    expect(parseRecords(data, 'alice')).toEqual({ records: [good], invalid: [key] });
  });
});

const claimFrom = (name: string | undefined): V1PersistentVolumeClaim => ({
  metadata: { name: 'alice-openclaw-data' },
  spec: name === undefined ? {} : { dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name } },
});

describe('which snapshot a data claim is made from', () => {
  it.each([
    ['no claim yet: any render makes it', undefined, 'snap-b', true],
    ['a blank claim, no restoreFrom', claimFrom(undefined), '', true],
    ['a blank claim asked to come from a snapshot', claimFrom(undefined), 'snap-a', false],
    ['a claim from snap-a, no restoreFrom (the API server keeps its source)', claimFrom('snap-a'), '', true],
    ['a claim from snap-a, restoreFrom snap-a', claimFrom('snap-a'), 'snap-a', true],
    ['a claim from snap-a, restoreFrom snap-b', claimFrom('snap-a'), 'snap-b', false],
    ['a claim cloned from another claim', { spec: { dataSource: { kind: 'PersistentVolumeClaim', name: 'snap-a' } } }, 'snap-a', false],
  ])('%s: %s', (_name, claim, restoreFrom, accepted) => {
    expect(claimAccepts(claim, restoreFrom)).toBe(accepted);
  });

  it.each([
    ['{"persistence":{"keep":true,"restoreFrom":"snap-a"}}', 'snap-a'],
    ['{"persistence":{"keep":true,"restoreFrom":""}}', ''],
    ['{"persistence":{"keep":true}}', ''],
    ['{}', ''],
    ['null', ''],
    ['', ''],
  ])('reads restoreFrom of revision values %s', (values, restoreFrom) => {
    expect(revisionRestoreFrom(values)).toBe(restoreFrom);
  });
});

const event = (type: string, reason: string, message: string, at: string): CoreV1Event => ({
  metadata: { name: `e-${reason}-${at}` }, involvedObject: { kind: 'PersistentVolumeClaim', name: 'alice-openclaw-data' }, type, reason, message, lastTimestamp: new Date(at),
});

describe('restoredClaimState', () => {
  const pending: V1PersistentVolumeClaim = { ...claimFrom('snap-a'), status: { phase: 'Pending' } };
  it.each([
    ['not made yet', undefined, [], { done: false, why: 'the claim has not been made yet' }],
    ['Bound', { ...claimFrom('snap-a'), status: { phase: 'Bound' } }, [], { done: true }],
    ['waiting for its first pod (WaitForFirstConsumer)', pending, [event('Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', '2026-03-01T10:00:00Z')], { done: true }],
    ['Pending, nothing said', pending, [], { done: false, why: 'the claim is Pending' }],
    ['Pending with warnings: the newest says why', pending, [
      event('Warning', 'ProvisioningFailed', 'snapshot not ready', '2026-03-01T10:00:05Z'),
      event('Warning', 'ProvisioningFailed', 'volumesnapshot "snap-a" not found', '2026-03-01T10:00:09Z'),
      event('Normal', 'Provisioning', 'External provisioner is provisioning volume', '2026-03-01T10:00:10Z'),
    ], { done: false, why: 'ProvisioningFailed: volumesnapshot "snap-a" not found' }],
  ])('%s', (_name, claim, events, state) => {
    expect(restoredClaimState(claim, events)).toEqual(state);
  });
});

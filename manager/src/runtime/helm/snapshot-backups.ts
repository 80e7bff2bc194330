// Backups on Kubernetes: a copy is a CSI VolumeSnapshot of the user's data claim, its record a key of
// the user's backups ConfigMap. Both are the manager's own objects, not Helm's, so they outlive
// uninstall and purge; only remove() deletes them. A restore makes the claim again from a snapshot
// through the chart (persistence.restoreFrom), which the helm runtime does under its per-user lock.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1ConfigMap,
} from '@kubernetes/client-node';
import type { BackupRecord } from '../../contracts/backup.js';
import type { Logger } from '../../logger.js';
import {
  BACKUP_LABEL, BACKUPS_SELECTOR, USER_LABEL, backupLabels, backupRecordsName, backupSnapshotName, dataClaimName,
} from '../../names/object-names.js';
import { parseIntent, type BackupStore, type CapturedCopy, type RestoreIntent } from '../backup-store.js';
import { BackupFailed, RuntimeUnavailable } from '../runtime-errors.js';
import { isBackupId } from '../../names/backup-id.js';
import { INTENT_KEY, parseRecords, recordJson, recordKey } from './backup-records.js';
import { quantityBytes } from './quantity-bytes.js';
import { VolumeTransfer, type TransferSource } from './volume-transfer.js';

const GROUP = 'snapshot.storage.k8s.io';
const VERSION = 'v1';
const PLURAL = 'volumesnapshots';
const NO_SNAPSHOT_API = `The cluster has no VolumeSnapshot support (${GROUP}/${VERSION} is not served): `
  + 'install the CSI snapshot CRDs and snapshot controller, and a CSI driver that takes snapshots';
// The snapshot controller also writes status.error for conflicts it retries and then clears
// (https://github.com/kubernetes-csi/external-snapshotter/issues/748): only an error that lasts fails a copy.
const ERROR_GRACE_MS = 30_000;

/** The parts of a snapshot.storage.k8s.io/v1 VolumeSnapshot read here. */
interface VolumeSnapshot {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly deletionTimestamp?: string };
  readonly status?: {
    readonly readyToUse?: boolean;
    readonly restoreSize?: string;
    readonly error?: { readonly message?: string };
  };
}

interface VolumeSnapshotList {
  readonly items?: readonly VolumeSnapshot[];
}

export interface SnapshotBackupsOptions {
  readonly kubeConfig: KubeConfig;
  /** Where the instances, their snapshots and the records are. */
  readonly namespace: string;
  readonly logger: Logger;
  /** VolumeSnapshotClass of new copies; undefined: the cluster's default class. */
  readonly snapshotClass: string | undefined;
  /** How long a copy may take to become ready. */
  readonly timeoutMs: number;
  /** Makes the stopped instance's data claim again from `snapshot` (the helm runtime, under its per-user lock). */
  readonly restoreClaim: (userId: string, snapshot: string, backupId: string) => Promise<void>;
  /** Pause between readiness checks of a copy (default 500 ms). */
  readonly pollMs?: number;
  /** What a transfer pod for the user's backups is shaped after; undefined when no instance runs here to copy. */
  readonly transferSource: (userId: string) => TransferSource | undefined;
}

export class SnapshotBackups implements BackupStore {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly transfer: VolumeTransfer;

  constructor(private readonly options: SnapshotBackupsOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.transfer = new VolumeTransfer({ core: this.core, namespace: options.namespace, logger: options.logger, timeoutMs: options.timeoutMs });
  }

  async records(userId: string): Promise<BackupRecord[]> {
    let configMap: V1ConfigMap;
    try {
      configMap = await this.core.readNamespacedConfigMap({ name: backupRecordsName(userId), namespace: this.options.namespace });
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw failure(err, `Cannot read the backup records of "${userId}"`);
    }
    return this.parsed(configMap, userId);
  }

  async allRecords(): Promise<BackupRecord[]> {
    return (await this.recordsConfigMaps()).flatMap((configMap) => {
      const userId = configMap.metadata?.labels?.[USER_LABEL];
      return userId === undefined ? [] : this.parsed(configMap, userId);
    });
  }

  async save(record: BackupRecord): Promise<void> {
    await this.saveKeys(record.userId, { [recordKey(checkedId(record.id))]: recordJson(record) }, `backup record ${record.id}`);
  }

  /** Sets keys of the user's records ConfigMap, making it when it is not there yet. */
  private async saveKeys(userId: string, data: Readonly<Record<string, string>>, what: string): Promise<void> {
    const name = backupRecordsName(userId);
    try {
      await this.patchRecords(name, data);
      return;
    } catch (err) {
      if (statusOf(err) !== 404) throw failure(err, `Cannot save ${what}`);
    }
    try {
      await this.core.createNamespacedConfigMap({
        namespace: this.options.namespace,
        body: { metadata: { name, namespace: this.options.namespace, labels: backupLabels(userId) }, data },
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw failure(err, `Cannot save ${what}`);
      // Another save made the ConfigMap first: add the keys to it.
      await this.patchRecords(name, data).catch((again: unknown) => {
        throw failure(again, `Cannot save ${what}`);
      });
    }
  }

  /** Every user's records ConfigMap. */
  private async recordsConfigMaps(): Promise<V1ConfigMap[]> {
    try {
      return (await this.core.listNamespacedConfigMap({ namespace: this.options.namespace, labelSelector: BACKUPS_SELECTOR })).items;
    } catch (err) {
      throw failure(err, 'Cannot list the backup records');
    }
  }

  async restoreIntents(): Promise<RestoreIntent[]> {
    return (await this.recordsConfigMaps()).flatMap((configMap) => {
      const userId = configMap.metadata?.labels?.[USER_LABEL];
      const intent = userId === undefined ? undefined : parseIntent(configMap.data?.[INTENT_KEY], userId);
      return intent ? [intent] : [];
    });
  }

  async saveRestoreIntent(intent: RestoreIntent): Promise<void> {
    await this.saveKeys(intent.userId, { [INTENT_KEY]: JSON.stringify(intent) }, 'the restore under way');
  }

  async clearRestoreIntent(userId: string): Promise<void> {
    try {
      await this.patchRecords(backupRecordsName(userId), { [INTENT_KEY]: null });
    } catch (err) {
      if (statusOf(err) !== 404) throw failure(err, 'Cannot clear the restore under way');
    }
  }

  async capture(userId: string, id: string): Promise<CapturedCopy> {
    await this.requireClaim(userId);
    return this.snapshotClaim(userId, id, dataClaimName(userId));
  }

  async exportArchive(backup: BackupRecord): Promise<NodeJS.ReadableStream> {
    await this.requireRestorable(backup);
    return this.transfer.exportSnapshot(backup.userId, backup.location, this.sourceFor(backup.userId));
  }

  async importArchive(userId: string, id: string, archive: NodeJS.ReadableStream, maxBytes: number): Promise<CapturedCopy> {
    const claim = await this.transfer.importArchive(userId, archive, maxBytes, this.sourceFor(userId));
    try {
      return await this.snapshotClaim(userId, id, claim);
    } finally {
      await this.transfer.close(claim);
    }
  }

  /** Removes the transfer pods and claims a stopped manager left. */
  async sweep(): Promise<number> {
    try {
      return await this.transfer.sweep();
    } catch (err) {
      throw failure(err, 'Cannot list the transfer pods');
    }
  }

  private sourceFor(userId: string): TransferSource {
    const source = this.options.transferSource(userId);
    if (!source) throw new BackupFailed(`A transfer needs an instance in namespace ${this.options.namespace} to shape its pod after (its image and node); there is none`);
    return source;
  }

  /**
   * Makes VolumeSnapshot `id` of `userId` of the claim `claim` and waits until it is ready. Run again
   * after the cluster stopped answering, it waits for the snapshot the first run made.
   */
  private async snapshotClaim(userId: string, id: string, claim: string): Promise<CapturedCopy> {
    const name = backupSnapshotName(userId, checkedId(id));
    const { namespace, snapshotClass } = this.options;
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'VolumeSnapshot',
      metadata: { name, namespace, labels: { ...backupLabels(userId), [BACKUP_LABEL]: id } },
      spec: {
        ...(snapshotClass === undefined ? {} : { volumeSnapshotClassName: snapshotClass }),
        source: { persistentVolumeClaimName: claim },
      },
    };
    try {
      await this.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, body });
    } catch (err) {
      if (statusOf(err) === 404) throw new BackupFailed(NO_SNAPSHOT_API, { cause: err });
      // The name holds the backup's id: only an earlier run of this copy made it.
      if (statusOf(err) !== 409) throw failure(err, `Cannot create VolumeSnapshot ${name}`);
    }
    try {
      return await this.untilReady(name);
    } catch (err) {
      if (err instanceof RuntimeUnavailable) throw err;
      await this.deleteSnapshot(name).catch((cleanup: unknown) => this.options.logger.warn({ err: cleanup, userId, backupId: id }, 'unfinished VolumeSnapshot not deleted'));
      throw err;
    }
  }

  async remove(userId: string, id: string): Promise<void> {
    const key = recordKey(checkedId(id));
    await this.deleteSnapshot(backupSnapshotName(userId, id));
    try {
      await this.patchRecords(backupRecordsName(userId), { [key]: null });
    } catch (err) {
      if (statusOf(err) !== 404) throw failure(err, `Cannot delete backup record ${id}`);
    }
  }

  async restore(userId: string, backup: BackupRecord): Promise<void> {
    await this.requireRestorable(backup);
    await this.options.restoreClaim(userId, backup.location, backup.id);
  }

  async strayCopies(): Promise<{ userId: string; id: string }[]> {
    let snapshots: readonly VolumeSnapshot[];
    try {
      const list = await this.custom.listNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: this.options.namespace, plural: PLURAL, labelSelector: `${BACKUPS_SELECTOR},${BACKUP_LABEL}`,
      }) as VolumeSnapshotList;
      snapshots = list.items ?? [];
    } catch (err) {
      // No VolumeSnapshot API: no copies either.
      if (statusOf(err) === 404) return [];
      throw failure(err, 'Cannot list the backup VolumeSnapshots');
    }
    const recorded = new Set((await this.allRecords()).map((r) => `${r.userId}/${r.id}`));
    // A deleted copy lingers until the snapshot controller has deleted what lies behind it.
    return snapshots
      .filter((s) => s.metadata?.deletionTimestamp === undefined)
      .map((s) => ({ userId: s.metadata?.labels?.[USER_LABEL] ?? '', id: s.metadata?.labels?.[BACKUP_LABEL] ?? '' }))
      .filter((copy) => copy.userId !== '' && copy.id !== '' && !recorded.has(`${copy.userId}/${copy.id}`));
  }

  /** BackupFailed unless `backup`'s VolumeSnapshot exists and is ready to restore from. */
  async requireRestorable(backup: BackupRecord): Promise<void> {
    const snapshot = await this.readSnapshot(backup.location);
    if (!snapshot) throw new BackupFailed(`The copy of backup "${backup.id}" is missing (VolumeSnapshot ${backup.location})`);
    if (snapshot.status?.readyToUse !== true) {
      throw new BackupFailed(`The copy of backup "${backup.id}" is not ready to restore from (VolumeSnapshot ${backup.location})`);
    }
  }

  /** A copy needs a claim with a volume: the snapshot controller would retry a missing or unbound one until the timeout. */
  private async requireClaim(userId: string): Promise<void> {
    const name = dataClaimName(userId);
    let phase: string;
    try {
      phase = (await this.core.readNamespacedPersistentVolumeClaim({ name, namespace: this.options.namespace })).status?.phase ?? 'Pending';
    } catch (err) {
      if (statusOf(err) === 404) throw new BackupFailed(`"${userId}" has no data volume (PVC ${name}) to copy`, { cause: err });
      throw failure(err, `Cannot read PVC ${name}`);
    }
    if (phase !== 'Bound') throw new BackupFailed(`The data volume of "${userId}" (PVC ${name}) is ${phase}: there is nothing to copy yet`);
  }

  /** Polls the new VolumeSnapshot until it is ready; BackupFailed on a lasting error or the timeout. */
  private async untilReady(name: string): Promise<CapturedCopy> {
    const { timeoutMs, pollMs = 500 } = this.options;
    const deadline = Date.now() + timeoutMs;
    let failingSince: number | undefined;
    for (;;) {
      const snapshot = await this.readSnapshot(name);
      if (!snapshot) throw new BackupFailed(`VolumeSnapshot ${name} was deleted before it was ready`);
      const status = snapshot.status;
      if (status?.readyToUse === true) {
        return { location: name, sizeBytes: status.restoreSize === undefined ? null : quantityBytes(status.restoreSize) };
      }
      const error = status?.error?.message;
      if (error === undefined) {
        failingSince = undefined;
      } else {
        failingSince ??= Date.now();
        if (Date.now() - failingSince >= ERROR_GRACE_MS) throw new BackupFailed(`VolumeSnapshot ${name} failed: ${error}`);
      }
      if (Date.now() >= deadline) {
        throw new BackupFailed(`VolumeSnapshot ${name} was not ready within ${Math.round(timeoutMs / 1000)} s${error === undefined ? '' : `: ${error}`}`);
      }
      await sleep(pollMs);
    }
  }

  /** The VolumeSnapshot, or undefined when there is none by that name. */
  private async readSnapshot(name: string): Promise<VolumeSnapshot | undefined> {
    try {
      return await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.options.namespace, plural: PLURAL, name }) as VolumeSnapshot;
    } catch (err) {
      if (objectMissing(err)) return undefined;
      if (statusOf(err) === 404) throw new BackupFailed(NO_SNAPSHOT_API, { cause: err });
      throw failure(err, `Cannot read VolumeSnapshot ${name}`);
    }
  }

  /** Deletes a VolumeSnapshot; gone already (or no VolumeSnapshot API) is fine. */
  private async deleteSnapshot(name: string): Promise<void> {
    try {
      await this.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.options.namespace, plural: PLURAL, name });
    } catch (err) {
      if (statusOf(err) !== 404) throw failure(err, `Cannot delete VolumeSnapshot ${name}`);
    }
  }

  /** A JSON merge patch of keys of the records ConfigMap (null deletes a key). */
  private async patchRecords(name: string, data: Readonly<Record<string, string | null>>): Promise<void> {
    await this.core.patchNamespacedConfigMap(
      { name, namespace: this.options.namespace, body: { data } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  private parsed(configMap: V1ConfigMap, userId: string): BackupRecord[] {
    const { records, invalid } = parseRecords(configMap.data, userId);
    if (invalid.length > 0) this.options.logger.warn({ userId, keys: invalid }, 'backup records that cannot be read; skipped');
    return records;
  }
}

/** `id` when it is a backup id; BackupFailed otherwise (it names objects and keys). */
function checkedId(id: string): string {
  if (!isBackupId(id)) throw new BackupFailed(`"${id}" is not a backup id`);
  return id;
}

/** The HTTP status the API server answered with; undefined when it did not answer. */
function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A 404 about the object itself (a Status naming it), not about the API (a resource type not served). */
function objectMissing(err: unknown): boolean {
  if (statusOf(err) !== 404) return false;
  const body = (err as { body?: unknown }).body;
  try {
    return typeof body === 'string' && typeof (JSON.parse(body) as { details?: { name?: unknown } } | null)?.details?.name === 'string';
  } catch {
    return false;
  }
}

/** An API server that did not answer (or answered that it cannot) is unavailable; any other answer fails the step. */
function failure(err: unknown, what: string): Error {
  const status = statusOf(err);
  if (status === undefined || status === 502 || status === 503 || status === 504) {
    return new RuntimeUnavailable('The Kubernetes cluster is unreachable; retry later', { cause: err });
  }
  return new BackupFailed(`${what}: the API server answered ${status}`, { cause: err });
}

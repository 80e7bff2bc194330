// The helm runtime: writes go through helm (the chart is the single source of truth), reads come
// from the watch cache. The manager keeps no state: a restart rebuilds everything from the cluster.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import type { ManagerConfig } from '../../config.js';
import {
  buildHistoryArgs, buildInstallArgs, buildReuseUpgradeArgs, buildRevisionValuesArgs, buildRollbackArgs, buildUninstallArgs, type ReuseUpgradeArgsInput,
} from './helm-args.js';
import { mapHelmError, type HelmOperation } from './helm-error-map.js';
import { runHelm, type HelmRunner } from './helm-spawn.js';
import type { Logger } from '../../logger.js';
import type {
  DeleteOptions, DeleteResult, GatewayTarget, Instance, InstanceRevision, InstanceRuntime, InstanceSpec, StartProgress, UpgradeOptions, VncTarget,
} from '../instance-runtime.js';
import { GATEWAY_TOKEN_KEY, USER_LABEL, dataClaimName, objectName, releaseName } from '../../names/object-names.js';
import {
  InstanceAlreadyExists, InstanceNotFound, InstanceNotStopped, InstanceUpgradeFailed, InstanceUpgradeTimedOut, KeptDataInTheWay, OperationInProgress,
  RevisionBeforeRestore, RevisionNotFound, RuntimeOperationFailed, RuntimeUnavailable,
} from '../runtime-errors.js';
import { fillUrlTemplate } from '../url-template.js';
import { UserLocks } from '../user-lock.js';
import { claimAccepts, revisionRestoreFrom } from './claim-source.js';
import { describeInstance } from './instance-status.js';
import { helmProgressStream } from './progress-stream.js';
import { parseHistory, revisionImage, toRevisions, type RevisionImage } from './release-history.js';
import { ReleaseRecovery } from './release-recovery.js';
import { postRendererFlags, renderValues } from './render-values.js';
import { restoredClaimState } from './restored-claim.js';
import { rolloutState, type RolloutState } from './rollout-status.js';
import { SnapshotBackups } from './snapshot-backups.js';
import type { TransferSource } from './volume-transfer.js';
import { WatchCache } from './watch-cache.js';

export interface HelmRuntimeOptions {
  readonly config: ManagerConfig;
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** Default: the real helm (tests of the runtime's logic pass a stub). */
  readonly helm?: HelmRunner;
  /** A fixed gateway token per user; default none (the chart generates and keeps one). */
  readonly gatewayToken?: (userId: string) => string | undefined;
  /** How long create waits for the Deployment to show up in the cache (default 30 s). */
  readonly appearTimeoutMs?: number;
  /** How long a purge waits for the PVC to be gone (default 120 s). */
  readonly purgeTimeoutMs?: number;
}

const TOKEN_TTL_MS = 60_000;
// How long a helm upgrade's new spec may take to reach the watch cache.
const APPLY_SEEN_MS = 30_000;
/** The pod's termination grace (30 s) and the kubelet's own time, with room to spare. */
const POD_GONE_MS = 120_000;
// The chart's persistence.size default, for a transfer when no claim says otherwise.
const DEFAULT_CLAIM_SIZE = '10Gi';
// Revisions shown (helm keeps 10 by default, --history-max).
const REVISIONS_SHOWN = 10;
// How often a restored claim's events are read while it has no volume yet.
const CLAIM_EVENTS_MS = 2000;

export class HelmRuntime implements InstanceRuntime {
  readonly kind = 'helm' as const;
  readonly backups: SnapshotBackups;
  private readonly cache: WatchCache;
  private readonly core: CoreV1Api;
  private readonly locks = new UserLocks();
  private readonly helm: HelmRunner;
  private readonly tokens = new Map<string, { token: string; at: number }>();
  private readonly recovery: ReleaseRecovery;
  /**
   * Per release, the image of each kept revision, which never changes: keyed by revision and when it
   * was made (a re-created release counts from 1 again).
   */
  private readonly revisionImages = new Map<string, ReadonlyMap<string, RevisionImage>>();

  constructor(private readonly options: HelmRuntimeOptions) {
    this.cache = new WatchCache({ kubeConfig: options.kubeConfig, namespace: options.config.namespace, logger: options.logger });
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.helm = options.helm ?? runHelm;
    this.recovery = new ReleaseRecovery({
      helm: this.helm, run: { helmBin: options.config.helmBin, env: options.config.childEnv }, namespace: options.config.namespace, logger: options.logger,
    });
    this.backups = new SnapshotBackups({
      kubeConfig: options.kubeConfig,
      namespace: options.config.namespace,
      logger: options.logger,
      snapshotClass: options.config.backupSnapshotClass,
      timeoutMs: options.config.backupTimeoutMs,
      restoreClaim: (userId, snapshot, backupId) => this.restoreClaim(userId, snapshot, backupId),
      transferSource: (userId) => this.transferSource(userId),
    });
  }

  async start(): Promise<void> {
    await this.cache.start();
    if (!this.cache.ready) this.options.logger.warn('cluster not reachable yet; the watch cache keeps retrying');
    // Installs a previous manager left unfinished (it was killed with its helm) block their users.
    this.recovery.retry('start-up sweep', async () => {
      for (const release of await this.recovery.unfinished(USER_LABEL)) this.cleanUpLater(release.replace(/-openclaw$/, ''), false);
    });
  }

  async create(spec: InstanceSpec): Promise<Instance> {
    const { userId } = spec;
    return this.locks.run(userId, 'create', async () => {
      this.requireCache();
      if (this.cache.deployment(userId)) throw new InstanceAlreadyExists(userId);
      if (spec.fromBackup) {
        if (this.cache.pvc(userId)) throw new KeptDataInTheWay(userId);
        await this.backups.requireRestorable(spec.fromBackup);
      }
      const token = this.options.gatewayToken?.(userId);
      const values = renderValues(spec, this.options.config, token);
      const hadData = this.cache.pvc(userId) !== undefined;
      const dir = await mkdtemp(path.join(tmpdir(), 'openclaw-values-'));
      const valuesFile = path.join(dir, 'values.json');
      try {
        // JSON is YAML; the file holds secrets, so 0600 in a private directory, removed right after.
        await writeFile(valuesFile, JSON.stringify(values), { mode: 0o600 });
        await this.runHelm(userId, 'install', buildInstallArgs({
          release: releaseName(userId),
          chartDir: this.options.config.chartDir,
          namespace: this.options.config.namespace,
          baseValuesFiles: this.options.config.valuesFiles,
          valuesFile,
          postRenderer: this.options.config.postRenderer,
          postRendererArgs: postRendererFlags(this.options.config),
          labels: { [USER_LABEL]: userId },
          timeout: '5m',
          description: 'create',
        }), [...Object.values(spec.secrets), ...(token ? [token] : [])]);
      } catch (err) {
        if (!(err instanceof OperationInProgress || err instanceof InstanceAlreadyExists)) this.cleanUpLater(userId, !hadData);
        throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      this.tokens.delete(userId);
      await this.cache.waitUntil(() => this.cache.deployment(userId) !== undefined, this.options.appearTimeoutMs ?? 30_000);
      return this.describe(userId) ?? {
        userId, phase: 'Pending', ready: false, message: 'installed; waiting for the Deployment to appear',
        image: `${this.options.config.imageRepository}:${this.options.config.imageTag}`, imageTag: this.options.config.imageTag,
        createdAt: new Date().toISOString(),
        dataVolume: { name: dataClaimName(userId), kept: true },
        runtime: { kind: 'helm', namespace: this.options.config.namespace, release: releaseName(userId) },
      };
    });
  }

  async list(): Promise<Instance[]> {
    this.requireCache();
    return this.cache.deployments()
      .map((d) => d.metadata?.labels?.[USER_LABEL])
      .filter((u): u is string => typeof u === 'string')
      .map((userId) => this.describe(userId))
      .filter((i): i is Instance => i !== undefined)
      .sort((a, b) => a.userId.localeCompare(b.userId));
  }

  async get(userId: string): Promise<Instance> {
    this.requireCache();
    const instance = this.describe(userId);
    if (!instance) throw new InstanceNotFound(userId);
    return instance;
  }

  async delete(userId: string, options: DeleteOptions): Promise<DeleteResult> {
    return this.locks.run(userId, 'delete', async () => {
      this.requireCache();
      const name = dataClaimName(userId);
      const exists = this.cache.deployment(userId) !== undefined;
      const hasData = this.cache.pvc(userId) !== undefined;
      if (exists || !(options.purge && hasData)) {
        const args = buildUninstallArgs({ release: releaseName(userId), namespace: this.options.config.namespace, timeout: '2m' });
        await this.runHelm(userId, 'uninstall', args, []);
      }
      this.tokens.delete(userId);
      this.revisionImages.delete(releaseName(userId));
      if (options.purge) await this.deleteClaim(userId);
      return { userId, dataVolume: { name, kept: !options.purge && this.cache.pvc(userId) !== undefined } };
    });
  }

  async stopInstance(userId: string): Promise<Instance> {
    return this.scale(userId, 0);
  }

  async startInstance(userId: string): Promise<Instance> {
    return this.scale(userId, 1);
  }

  async upgrade(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance> {
    return this.locks.run(userId, 'upgrade', async () => {
      this.existing(userId);
      await this.reuseUpgrade(userId, { setString: { 'image.tag': imageTag } }, options.cause ?? `upgrade to ${imageTag}`);
      return this.awaitRollout(userId, imageTag, options);
    });
  }

  async revisions(userId: string, max = REVISIONS_SHOWN): Promise<InstanceRevision[]> {
    const release = releaseName(userId);
    const { namespace } = this.options.config;
    const entries = parseHistory(await this.helmOutput(userId, 'history', buildHistoryArgs(release, namespace, Math.min(max, REVISIONS_SHOWN))));
    const known = this.revisionImages.get(release);
    const newest = Math.max(0, ...entries.map((e) => e.revision));
    // Kept: what helm still keeps (a shorter read leaves older ones for the next full read).
    const kept = new Map<string, RevisionImage>([...(known ?? [])].filter(([key]) => Number(key.split(':')[0]) > newest - REVISIONS_SHOWN));
    const images = new Map<number, RevisionImage>();
    for (const entry of entries) {
      const key = `${entry.revision}:${entry.updated}`;
      const image = known?.get(key)
        ?? revisionImage(await this.helmOutput(userId, 'history', buildRevisionValuesArgs(release, namespace, entry.revision)), entry.appVersion);
      kept.set(key, image);
      images.set(entry.revision, image);
    }
    this.revisionImages.set(release, kept);
    return toRevisions(entries, images);
  }

  async rollback(userId: string, revision: number, options: UpgradeOptions): Promise<Instance> {
    return this.locks.run(userId, 'rollback', async () => {
      this.existing(userId);
      const kept = await this.revisions(userId);
      const target = kept.find((r) => r.revision === revision);
      if (!target) throw new RevisionNotFound(userId, revision, kept.map((r) => r.revision));
      // helm rollback applies the revision's stored manifest, whose claim may name a replaced snapshot.
      const values = await this.helmOutput(userId, 'history', buildRevisionValuesArgs(releaseName(userId), this.options.config.namespace, revision));
      if (!claimAccepts(this.cache.pvc(userId), revisionRestoreFrom(values))) throw new RevisionBeforeRestore(userId, revision);
      await this.runHelm(userId, 'rollback', buildRollbackArgs(releaseName(userId), this.options.config.namespace, revision, '5m'), []);
      return this.awaitRollout(userId, target.imageTag, options);
    });
  }

  progress(userId: string, signal: AbortSignal): AsyncIterable<StartProgress> {
    this.requireCache();
    const { kubeConfig, logger, config } = this.options;
    return helmProgressStream({ cache: this.cache, kubeConfig, namespace: config.namespace, logger }, userId, signal);
  }

  async gatewayTarget(userId: string): Promise<GatewayTarget> {
    const url = fillUrlTemplate(this.options.config.gatewayUrlTemplate, { userId, namespace: this.options.config.namespace });
    return { url, token: await this.token(userId) };
  }

  async vncTarget(userId: string): Promise<VncTarget> {
    if (!this.cache.deployment(userId)) throw new InstanceNotFound(userId);
    return { url: fillUrlTemplate(this.options.config.vncUrlTemplate, { userId, namespace: this.options.config.namespace }) };
  }

  async close(): Promise<void> {
    this.recovery.close();
    await this.cache.stop();
  }

  /** Waits until the Deployment runs `imageTag` and is available (or stopped); the failure otherwise. */
  private async awaitRollout(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance> {
    const namespace = this.options.config.namespace;
    const seen: { rollout: RolloutState } = { rollout: { state: 'progressing', message: 'change applied' } };
    const settled = await this.cache.waitUntil(() => {
      const deployment = this.cache.deployment(userId);
      if (!deployment) return false;
      seen.rollout = rolloutState({ userId, namespace, deployment, pods: this.cache.pods(userId) }, imageTag);
      return seen.rollout.state !== 'progressing';
    }, options.timeoutMs, options.signal);
    if (!settled) throw new InstanceUpgradeTimedOut(userId, imageTag, options.timeoutMs);
    if (seen.rollout.state === 'failed') throw new InstanceUpgradeFailed(userId, imageTag, seen.rollout.message);
    return this.described(userId);
  }

  private describe(userId: string): Instance | undefined {
    const deployment = this.cache.deployment(userId);
    if (!deployment) return undefined;
    return describeInstance({
      userId, namespace: this.options.config.namespace, deployment, pods: this.cache.pods(userId), pvc: this.cache.pvc(userId),
    });
  }

  /**
   * Uninstalls the user's release if an install left it unfinished, once the cluster answers and no
   * other operation on the user runs; `dropClaim` also deletes a PVC that install made.
   */
  private cleanUpLater(userId: string, dropClaim: boolean): void {
    this.recovery.retry(`cleanup of ${releaseName(userId)}`, () => this.locks.run(userId, 'cleanup of an unfinished install', async () => {
      const removed = await this.recovery.recover(releaseName(userId));
      if (removed && dropClaim) await this.deleteClaim(userId).catch((err: unknown) => this.options.logger.warn({ err, userId }, 'PVC of an unfinished install not deleted yet'));
    }));
  }

  /** Sets replicas through helm, keeping every other value; nothing to do when already there. */
  private async scale(userId: string, replicas: 0 | 1): Promise<Instance> {
    return this.locks.run(userId, replicas === 0 ? 'stop' : 'start', async () => {
      const current = (this.existing(userId).spec?.replicas ?? 1) === 0 ? 0 : 1;
      if (current !== replicas) {
        await this.reuseUpgrade(userId, { set: { replicas } }, replicas === 0 ? 'stop' : 'start');
        await this.cache.waitUntil(() => (this.cache.deployment(userId)?.spec?.replicas ?? 1) === replicas, APPLY_SEEN_MS);
      }
      // A stop answers once the pod is gone: a caller that copies or moves the data next (a backup)
      // must know the gateway no longer writes to it, nor holds its lease in the state database.
      if (replicas === 0 && !(await this.cache.waitUntil(() => this.cache.pods(userId).length === 0, POD_GONE_MS))) {
        throw new RuntimeOperationFailed(`Instance "${userId}" is scaled to zero, but its pod was still there after ${POD_GONE_MS / 1000} s`);
      }
      return this.described(userId);
    });
  }

  /**
   * What a transfer pod is shaped after: the user's own Deployment, else any instance's (a user who
   * has none yet may import), with the storage class and size of that instance's data claim.
   */
  private transferSource(userId: string): TransferSource | undefined {
    const deployment = this.cache.deployment(userId) ?? this.cache.deployments()[0];
    const podSpec = deployment?.spec?.template.spec;
    const owner = deployment?.metadata?.labels?.[USER_LABEL];
    if (!podSpec || owner === undefined) return undefined;
    const claim = this.cache.pvc(owner);
    return { podSpec, storageClass: claim?.spec?.storageClassName, size: claim?.spec?.resources?.requests?.storage ?? DEFAULT_CLAIM_SIZE };
  }

  /**
   * Makes the stopped instance's data claim again from `snapshot` (SnapshotBackups.restore): the old
   * claim is deleted (its source is immutable), then the chart makes the new one; replicas stay 0.
   * persistence.restoreFrom stays in the release's values, so later upgrades render the same source.
   */
  private async restoreClaim(userId: string, snapshot: string, backupId: string): Promise<void> {
    await this.locks.run(userId, 'restore', async () => {
      if ((this.existing(userId).spec?.replicas ?? 1) !== 0) throw new InstanceNotStopped(userId, 'restore its data');
      await this.deleteClaim(userId);
      await this.reuseUpgrade(userId, { setString: { 'persistence.restoreFrom': snapshot } }, `restore backup ${backupId}`);
      await this.awaitRestoredClaim(userId);
    });
  }

  /** Waits until the claim made from a snapshot has its volume (or will when the instance starts); why not otherwise. */
  private async awaitRestoredClaim(userId: string): Promise<void> {
    const name = dataClaimName(userId);
    const { backupTimeoutMs } = this.options.config;
    const deadline = Date.now() + backupTimeoutMs;
    for (;;) {
      const claim = this.cache.pvc(userId);
      const uid = claim?.metadata?.uid;
      const events = uid !== undefined && claim?.status?.phase !== 'Bound' ? await this.claimEvents(name, uid) : [];
      const state = restoredClaimState(claim, events);
      if (state.done) return;
      if (Date.now() >= deadline) {
        throw new RuntimeOperationFailed(`PVC ${name} made from the backup has no volume after ${Math.round(backupTimeoutMs / 1000)} s: ${state.why}`);
      }
      await this.cache.waitUntil(() => this.cache.pvc(userId)?.status?.phase === 'Bound', CLAIM_EVENTS_MS);
    }
  }

  /** Events of one claim; none when they cannot be read (they only explain a wait). */
  private async claimEvents(name: string, uid: string): Promise<CoreV1Event[]> {
    const fieldSelector = `involvedObject.kind=PersistentVolumeClaim,involvedObject.name=${name},involvedObject.uid=${uid}`;
    return this.core.listNamespacedEvent({ namespace: this.options.config.namespace, fieldSelector }).then((list) => list.items, () => []);
  }

  /** `helm upgrade` of the user's release with only `change` different (values, token and secrets kept). */
  private async reuseUpgrade(userId: string, change: Pick<ReuseUpgradeArgsInput, 'set' | 'setString'>, description: string): Promise<void> {
    const args = buildReuseUpgradeArgs({
      description,
      release: releaseName(userId),
      chartDir: this.options.config.chartDir,
      namespace: this.options.config.namespace,
      ...change,
      postRenderer: this.options.config.postRenderer,
      postRendererArgs: postRendererFlags(this.options.config),
      timeout: '5m',
    });
    try {
      await this.runHelm(userId, 'upgrade', args, []);
    } catch (err) {
      // Callers hold the user's lock, so no helm of this manager runs on the release: one still
      // pending was cut off (helm killed, the API server gone) and is rolled back before trying again.
      if (!(err instanceof OperationInProgress) || !(await this.unstick(userId))) throw err;
      await this.runHelm(userId, 'upgrade', args, []);
    }
  }

  private async unstick(userId: string): Promise<boolean> {
    try {
      return await this.recovery.unstick(releaseName(userId));
    } catch (err) {
      throw mapHelmError(err, userId, 'rollback');
    }
  }

  /** The user's Deployment; InstanceNotFound when there is none. */
  private existing(userId: string): V1Deployment {
    this.requireCache();
    const deployment = this.cache.deployment(userId);
    if (!deployment) throw new InstanceNotFound(userId);
    return deployment;
  }

  private described(userId: string): Instance {
    const instance = this.describe(userId);
    if (!instance) throw new InstanceNotFound(userId);
    return instance;
  }

  private requireCache(): void {
    if (!this.cache.ready) throw new RuntimeUnavailable('The Kubernetes cluster is not reachable yet; retry later');
  }

  private async runHelm(userId: string, operation: HelmOperation, args: string[], redact: string[]): Promise<void> {
    await this.helmOutput(userId, operation, args, redact);
  }

  private async helmOutput(userId: string, operation: HelmOperation, args: string[], redact: string[] = []): Promise<string> {
    try {
      return await this.helm(args, { helmBin: this.options.config.helmBin, env: this.options.config.childEnv, redact });
    } catch (err) {
      throw mapHelmError(err, userId, operation);
    }
  }

  /** Deletes the data PVC (no longer Helm's after uninstall) and waits until it is gone. */
  private async deleteClaim(userId: string): Promise<void> {
    const name = dataClaimName(userId);
    try {
      await this.core.deleteNamespacedPersistentVolumeClaim({ name, namespace: this.options.config.namespace });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw new RuntimeOperationFailed(`cannot delete PVC ${name}`, { cause: err });
    }
    const gone = await this.cache.waitUntil(() => this.cache.pvc(userId) === undefined, this.options.purgeTimeoutMs ?? 120_000);
    if (!gone) throw new RuntimeOperationFailed(`PVC ${name} is still terminating; it will be removed once no pod uses it`);
  }

  private async token(userId: string): Promise<string> {
    const cached = this.tokens.get(userId);
    if (cached && Date.now() - cached.at < TOKEN_TTL_MS) return cached.token;
    let data: Record<string, string> | undefined;
    try {
      const secret = await this.core.readNamespacedSecret({ name: objectName(userId), namespace: this.options.config.namespace });
      data = secret.data;
    } catch (err) {
      if ((err as { code?: number }).code === 404) throw new InstanceNotFound(userId);
      throw new RuntimeUnavailable('cannot read the gateway token from the cluster', { cause: err });
    }
    const encoded = data?.[GATEWAY_TOKEN_KEY];
    if (!encoded) throw new RuntimeOperationFailed(`Secret ${objectName(userId)} has no ${GATEWAY_TOKEN_KEY}`);
    const token = Buffer.from(encoded, 'base64').toString('utf8');
    this.tokens.set(userId, { token, at: Date.now() });
    return token;
  }
}

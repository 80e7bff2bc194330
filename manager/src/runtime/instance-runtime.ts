// The one interface every runtime implements (like JupyterHub's spawners). Routes, auth, validation
// and the gateway client only ever see this.
import type { BackupRecord } from '../contracts/backup.js';
import type { BackupStore } from './backup-store.js';

/** Stopped: compute scaled to zero on purpose (data, secrets and address kept); start brings it back. */
export type InstancePhase = 'Pending' | 'Starting' | 'Running' | 'Stopped' | 'Failed' | 'Deleting';

export const INSTANCE_PHASES: readonly InstancePhase[] = ['Pending', 'Starting', 'Running', 'Stopped', 'Failed', 'Deleting'];

export interface InstanceSpec {
  /** Validated user id (see user-id.ts). */
  readonly userId: string;
  /** Environment variables for the gateway (validated names; values never logged or returned). */
  readonly secrets: Readonly<Record<string, string>>;
  /** A ready backup (of any user) whose data the new instance starts with instead of an empty volume. */
  readonly fromBackup?: BackupRecord;
}

export interface DataVolume {
  /** PVC name (helm) or `<userId>-openclaw-data` (local). */
  readonly name: string;
  /** Whether the data outlives a plain delete (true unless the chart was told otherwise). */
  readonly kept?: boolean;
  /** Local runtime: the directory holding the instance's state. */
  readonly path?: string;
  /** Helm runtime: PVC phase (Pending, Bound, Lost). */
  readonly phase?: string;
}

export interface Instance {
  readonly userId: string;
  readonly phase: InstancePhase;
  /** The gateway accepts RPCs. */
  readonly ready: boolean;
  /** Human-readable state, e.g. why it is not ready. */
  readonly message: string;
  readonly image: string;
  /** The image tag this instance runs (helm: image.tag of its release; local: recorded, for fleet upgrades). */
  readonly imageTag: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly dataVolume: DataVolume;
  /** Runtime-specific details: `kind` says which runtime. */
  readonly runtime: Readonly<{ kind: 'local' | 'helm' } & Record<string, unknown>>;
}

export interface DeleteOptions {
  /** Delete the data too (default false: the data volume is kept for a re-create). */
  readonly purge: boolean;
}

export interface DeleteResult {
  readonly userId: string;
  readonly dataVolume: DataVolume & { readonly kept: boolean };
}

export interface GatewayTarget {
  readonly url: string;
  readonly token: string;
}

export interface VncTarget {
  readonly url: string;
}

export interface UpgradeOptions {
  /** How long the new version may take to become ready before the upgrade counts as failed. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Why, kept with the revision it makes (e.g. "fleet run 3fa2c1d0e9b4"). */
  readonly cause?: string;
}

/** One kept revision of an instance: what it ran, since when and why. */
export interface InstanceRevision {
  /** 1, 2, ...: helm's release revision (local: counted the same way). */
  readonly revision: number;
  readonly imageTag: string;
  /** `sha256:...` when the revision pinned a digest. */
  readonly imageDigest: string | null;
  /** ISO 8601: when it was made. */
  readonly at: string;
  /** "deployed" for the current one; "superseded", "failed", ... (helm's words) for older ones. */
  readonly status: string;
  /** What made it: "create", "stop", "fleet run <id>: upgrade to <tag>", "Rollback to 3", ... */
  readonly cause: string;
}

/** One observation of an instance on its way to ready (see lifecycle/start-progress.ts). */
export interface StartProgress {
  /** 0-100; 100 only when ready. */
  readonly progress: number;
  readonly message: string;
  readonly ready: boolean;
  /** It will not become ready without a change (crash loop, image pull failure, deleted). */
  readonly failed: boolean;
}

export interface InstanceRuntime {
  readonly kind: 'local' | 'helm';
  /** Copies of the instances' data and their records (see backups/backup-service.ts). */
  readonly backups: BackupStore;
  /** Prepares the runtime (caches, adoption of running instances). Called once before use. */
  start(): Promise<void>;
  /** Creates an instance; InstanceAlreadyExists / OperationInProgress when it cannot. */
  create(spec: InstanceSpec): Promise<Instance>;
  list(): Promise<Instance[]>;
  /** InstanceNotFound when unknown. */
  get(userId: string): Promise<Instance>;
  /** Deletes an instance, keeping its data unless `purge`. InstanceNotFound when unknown. */
  delete(userId: string, options: DeleteOptions): Promise<DeleteResult>;
  /** Scales the instance to zero keeping its data, secrets and token; idempotent. InstanceNotFound when unknown. */
  stopInstance(userId: string): Promise<Instance>;
  /** Runs a stopped instance again with the same data; idempotent. InstanceNotFound when unknown. */
  startInstance(userId: string): Promise<Instance>;
  /**
   * Moves the instance to `imageTag` (kept for later stops, starts and upgrades). A running instance
   * is rolled and awaited: resolves once the new version is ready, InstanceUpgradeFailed /
   * InstanceUpgradeTimedOut otherwise. A stopped one only records the tag and stays stopped.
   */
  upgrade(userId: string, imageTag: string, options: UpgradeOptions): Promise<Instance>;
  /** The newest `max` (default all) revisions kept for the instance, the current one first. InstanceNotFound when unknown. */
  revisions(userId: string, max?: number): Promise<InstanceRevision[]>;
  /**
   * Brings back `revision` as a new revision (helm rollback; local: its image tag) and waits like
   * upgrade. RevisionNotFound when it is not kept.
   */
  rollback(userId: string, revision: number, options: UpgradeOptions): Promise<Instance>;
  /**
   * Observations of the instance's start, one now and one after every change, until `signal` aborts.
   * InstanceNotFound (thrown from the iteration) when it does not exist or disappears.
   */
  progress(userId: string, signal: AbortSignal): AsyncIterable<StartProgress>;
  /** Where and how to reach the instance's gateway. */
  gatewayTarget(userId: string): Promise<GatewayTarget>;
  /** Where to reach the instance's noVNC WebSocket. */
  vncTarget(userId: string): Promise<VncTarget>;
  /** Releases the runtime's own resources (watches, timers); instances keep running. */
  close(): Promise<void>;
}

/** Phase counts for metrics. */
export async function countByPhase(runtime: InstanceRuntime): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const instance of await runtime.list()) counts[instance.phase] = (counts[instance.phase] ?? 0) + 1;
  return counts;
}

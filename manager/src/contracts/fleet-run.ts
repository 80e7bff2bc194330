// The fleet upgrade run as the API answers it (GET /api/fleet/upgrade/:id): shared by the manager,
// which builds it, and `helm openclaw upgrade-all`, which reads it.

/** How one instance ended in a run: rolledBack is an upgrade that failed and was undone. */
export type FleetStatus = 'upgraded' | 'rolledBack' | 'failed' | 'skipped';
export type FleetRunState = 'running' | 'succeeded' | 'failed' | 'cancelled';
/** soaking: an upgraded canary being watched; rollingBack: its old revision coming back. */
export type FleetInstanceStatus = FleetStatus | 'pending' | 'upgrading' | 'soaking' | 'rollingBack';

export const FLEET_INSTANCE_STATUSES: readonly FleetInstanceStatus[] = [
  'pending', 'upgrading', 'soaking', 'rollingBack', 'upgraded', 'rolledBack', 'failed', 'skipped',
];

export interface FleetInstanceResult {
  readonly userId: string;
  readonly status: FleetInstanceStatus;
  readonly message: string;
  /** Upgrades and rollbacks: the revision the instance ran before the run touched it. */
  readonly previousRevision?: number;
}

export interface FleetCanary {
  readonly userIds: readonly string[];
  readonly soakSeconds: number;
}

export interface FleetUpgradeRun {
  readonly id: string;
  readonly state: FleetRunState;
  readonly imageTag: string;
  readonly maxUnavailable: number;
  readonly timeoutSeconds: number;
  readonly autoRollback: boolean;
  /** The canaries, upgraded and watched first; null without. */
  readonly canary: FleetCanary | null;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly counts: Readonly<Record<FleetInstanceStatus, number>>;
  /** One per instance, in upgrade order (canaries first). */
  readonly results: readonly FleetInstanceResult[];
}

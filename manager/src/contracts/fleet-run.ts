// The fleet upgrade run as the API answers it (GET /api/fleet/upgrade/:id): shared by the manager,
// which builds it, and `helm openclaw upgrade-all`, which reads it.

/** How one instance ended in a run. */
export type FleetStatus = 'upgraded' | 'failed' | 'skipped';
export type FleetRunState = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type FleetInstanceStatus = FleetStatus | 'pending' | 'upgrading';

export interface FleetInstanceResult {
  readonly userId: string;
  readonly status: FleetInstanceStatus;
  readonly message: string;
}

export interface FleetUpgradeRun {
  readonly id: string;
  readonly state: FleetRunState;
  readonly imageTag: string;
  readonly maxUnavailable: number;
  readonly timeoutSeconds: number;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly counts: Readonly<Record<FleetInstanceStatus, number>>;
  /** One per instance, in upgrade order. */
  readonly results: readonly FleetInstanceResult[];
}

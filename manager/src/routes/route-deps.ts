// What route modules get to work with, built once by app.ts. Each routes/<area>.ts exports one
// register function taking the router and the part of these it needs.
import type { BackupService } from '../backups/backup-service.js';
import type { ConsoleSessions } from '../auth/console-sessions.js';
import type { AuthFailureLimiter } from '../auth/failure-limiter.js';
import type { ManagerConfig } from '../config.js';
import type { ConsoleAssets } from '../console/console-assets.js';
import type { FleetUpgrades } from '../lifecycle/fleet-upgrades.js';
import type { InstanceLifecycle } from '../lifecycle/instance-lifecycle.js';
import type { ManagerMetrics } from '../metrics/metrics.js';
import type { PairingServices } from '../pairing/pairing-services.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import type { ViewerAssets } from '../viewer/viewer-assets.js';
import type { VncServices } from '../vnc/vnc-services.js';

export interface RouteDeps {
  readonly config: ManagerConfig;
  readonly runtime: InstanceRuntime;
  readonly rpc: InstanceRpc;
  readonly metrics: ManagerMetrics;
  /** Tickets, viewer sessions, activity. */
  readonly vnc: VncServices;
  /** The viewer's bundled script. */
  readonly viewerAssets: ViewerAssets;
  /** Stop, start, upgrade and delete. */
  readonly lifecycle: InstanceLifecycle;
  /** Fleet upgrade runs. */
  readonly fleet: FleetUpgrades;
  /** Backups, restores and clones. */
  readonly backups: BackupService;
  /** WhatsApp pairing links: their tickets and the sessions they open. */
  readonly pairing: PairingServices;
  /** Interval of `: keepalive` comments on progress streams (default 15 s). */
  readonly progressKeepaliveMs?: number;
  /** Failed authentications per client address, shared by the Bearer check and the console's sign-in. */
  readonly authLimiter: AuthFailureLimiter;
  /** Signed-in operator consoles. */
  readonly consoleSessions: ConsoleSessions;
  /** The console's bundled script and style sheet. */
  readonly consoleAssets: ConsoleAssets;
}

// The VNC state one manager process shares between the ticket route, the viewer page, the WebSocket
// upgrade handler and instance status: tickets, viewer sessions and last activity.
import { ActivityTracker } from '../activity/activity-tracker.js';
import { VncSessions } from './vnc-sessions.js';
import { DEFAULT_TICKET_TTL_MS, VncTickets, deriveTicketKey } from './vnc-tickets.js';

export const DEFAULT_MAX_VIEWERS_PER_INSTANCE = 4;

export interface VncServices {
  readonly tickets: VncTickets;
  readonly sessions: VncSessions;
  readonly activity: ActivityTracker;
  /** Concurrent viewers allowed per instance. */
  readonly maxViewersPerInstance: number;
}

export interface VncServicesOptions {
  readonly apiKey: string;
  /** Default 4. */
  readonly maxViewersPerInstance?: number;
  /** Ticket lifetime (default 60 s). */
  readonly ticketTtlMs?: number;
  /** Clock in ms (default Date.now) for tickets and activity; tests pass their own. */
  readonly now?: () => number;
}

/** @example createVncServices({ apiKey: config.apiKey, maxViewersPerInstance: config.vncMaxViewers }) */
export function createVncServices(options: VncServicesOptions): VncServices {
  const now = options.now ?? Date.now;
  return {
    tickets: new VncTickets({ key: deriveTicketKey(options.apiKey), ttlMs: options.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS, now }),
    sessions: new VncSessions(),
    activity: new ActivityTracker({ now }),
    maxViewersPerInstance: options.maxViewersPerInstance ?? DEFAULT_MAX_VIEWERS_PER_INSTANCE,
  };
}

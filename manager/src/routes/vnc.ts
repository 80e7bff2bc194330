// VNC tickets: POST /api/instances/:userId/vnc/ticket mints a short-lived, single-use ticket so a
// browser can open the screen without the API key. The WebSocket itself is served by
// vnc/vnc-upgrade.ts; a plain GET of its path gets 426 here.
import type { AppRouter } from '../app-state.js';
import { HttpError } from '../errors/http-error.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { InstanceStopped } from '../runtime/runtime-errors.js';
import { assertUserId } from '../names/user-id.js';
import type { VncServices } from '../vnc/vnc-services.js';

export interface VncTicketResponse {
  /** Relative WebSocket URL (resolve against the manager's ws:// or wss:// origin). */
  readonly url: string;
  /** Relative URL of the viewer page that connects with this ticket. */
  readonly viewerUrl: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

export class WebSocketUpgradeRequired extends HttpError {
  constructor() {
    super(426, 'This path is a WebSocket; connect with Upgrade: websocket and ?token= or ?ticket=', {
      code: 'UPGRADE_REQUIRED',
      headers: { Upgrade: 'websocket', Connection: 'Upgrade' },
    });
  }
}

export function registerVncRoutes(router: AppRouter, deps: { readonly runtime: Pick<InstanceRuntime, 'get'>; readonly vnc: VncServices }): void {
  router.post('/api/instances/:userId/vnc/ticket', async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const instance = await deps.runtime.get(userId);
    // A ticket for a stopped instance could only be refused later; say why now.
    if (instance.phase === 'Stopped') throw new InstanceStopped(userId);
    const { ticket, expiresAt } = deps.vnc.tickets.issue(userId);
    const query = `ticket=${encodeURIComponent(ticket)}`;
    const body: VncTicketResponse = {
      url: `/api/instances/${userId}/vnc?${query}`,
      viewerUrl: `/viewer/${userId}?${query}`,
      expiresAt: expiresAt.toISOString(),
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });

  router.get('/api/instances/:userId/vnc', () => {
    throw new WebSocketUpgradeRequired();
  });
}

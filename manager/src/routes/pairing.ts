// The hosted WhatsApp pairing page. The app backend mints a single-use ticket with the API key (POST
// .../whatsapp/pair-ticket) and sends its user the page's link; the page trades the ticket once for a
// pairing session (POST /pair/:userId/session) and drives the login with the session's token. The
// page's routes are outside /api, so no API key reaches a browser: the ticket, then the token, is
// the credential, and neither ever leads to the gateway token.
import type { AppContext, AppRouter } from '../app-state.js';
import { parseBearer } from '../auth/api-key.js';
import { assertUserId } from '../names/user-id.js';
import { PairingTicketExpired, PairingTicketInvalid, PairingTicketUsed } from '../pairing/pairing-errors.js';
import type { PairingServices } from '../pairing/pairing-services.js';
import type { PairingSession } from '../pairing/pairing-session.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import type { InstanceRuntime } from '../runtime/instance-runtime.js';
import { InstanceStopped } from '../runtime/runtime-errors.js';
import { parseWhatsAppPairSessionBody } from '../validation/whatsapp-bodies.js';
import { PAIRING_HEADERS, PAIRING_HTML, pairingRefusalHtml } from '../viewer/pairing-page.js';
import { forClient } from './client-abort-signal.js';
import { whatsappPairingFor } from './whatsapp.js';

export const PAIRING_ROUTES = {
  ticket: '/api/instances/:userId/whatsapp/pair-ticket',
  page: '/pair/:userId',
  session: '/pair/:userId/session',
  login: '/pair/:userId/login',
  wait: '/pair/:userId/wait',
} as const;

export interface PairTicketResponse {
  /** Relative URL of the pairing page with the ticket (resolve it against the manager's public origin). */
  readonly pageUrl: string;
  /** ISO 8601: the link must be opened before this. */
  readonly expiresAt: string;
}

export interface PairingRouteDeps {
  readonly runtime: Pick<InstanceRuntime, 'get'>;
  readonly rpc: Pick<InstanceRpc, 'call'>;
  readonly pairing: PairingServices;
}

const isTicketRefusal = (err: unknown): err is PairingTicketInvalid | PairingTicketExpired | PairingTicketUsed =>
  err instanceof PairingTicketInvalid || err instanceof PairingTicketExpired || err instanceof PairingTicketUsed;

export function registerPairingRoutes(router: AppRouter, deps: PairingRouteDeps): void {
  /** The session the request's `Authorization: Bearer <token>` names, for the path's user. */
  const sessionOf = (ctx: AppContext): { userId: string; session: PairingSession } => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const session = deps.pairing.sessions.find(parseBearer(ctx.get('Authorization') || undefined), userId);
    ctx.set('Cache-Control', 'no-store');
    return { userId, session };
  };

  router.post(PAIRING_ROUTES.ticket, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const instance = await deps.runtime.get(userId);
    // A link to a stopped instance could only fail once opened; say why now.
    if (instance.phase === 'Stopped') throw new InstanceStopped(userId);
    const { ticket, expiresAt } = deps.pairing.tickets.issue(userId);
    const body: PairTicketResponse = { pageUrl: `/pair/${userId}?ticket=${encodeURIComponent(ticket)}`, expiresAt: expiresAt.toISOString() };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });

  router.get(PAIRING_ROUTES.page, (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.set(PAIRING_HEADERS);
    const { ticket } = ctx.query;
    // Without a ticket the page may still pick up the session its tab opened before a reload.
    if (ticket === undefined) {
      ctx.body = PAIRING_HTML;
      return;
    }
    try {
      if (typeof ticket !== 'string') throw new PairingTicketInvalid();
      deps.pairing.tickets.verify(ticket, userId);
      ctx.body = PAIRING_HTML;
    } catch (err) {
      if (!isTicketRefusal(err)) throw err;
      ctx.status = err.status;
      ctx.body = pairingRefusalHtml(err.message);
    }
  });

  router.post(PAIRING_ROUTES.session, (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const { ticket } = parseWhatsAppPairSessionBody(ctx.state.body);
    deps.pairing.tickets.redeem(ticket, userId);
    const { token, session } = deps.pairing.sessions.open(userId);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = { token, ...session.view() };
  });

  router.get(PAIRING_ROUTES.session, (ctx) => {
    ctx.body = sessionOf(ctx).session.view();
  });

  router.post(PAIRING_ROUTES.login, async (ctx) => {
    const { userId, session } = sessionOf(ctx);
    ctx.body = await forClient(ctx, (signal) => session.login(whatsappPairingFor(deps.rpc, userId), signal));
  });

  router.post(PAIRING_ROUTES.wait, async (ctx) => {
    const { userId, session } = sessionOf(ctx);
    ctx.body = await forClient(ctx, (signal) => session.wait(whatsappPairingFor(deps.rpc, userId), signal));
  });
}

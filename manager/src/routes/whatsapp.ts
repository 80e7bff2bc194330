// WhatsApp pairing of an instance: QR, wait for the scan, link state, logout. The gateway is reached
// through the shared instance RPC; what its answers mean is decided in whatsapp/.
import type { AppRouter } from '../app-state.js';
import { assertUserId } from '../names/user-id.js';
import type { InstanceRpc } from '../rpc/instance-rpc.js';
import { parseWhatsAppQrBody, parseWhatsAppWaitBody } from '../validation/whatsapp-bodies.js';
import { WhatsAppPairing } from '../whatsapp/whatsapp-pairing.js';
import { forClient } from './client-abort-signal.js';
import type { RouteDeps } from './route-deps.js';

export const WHATSAPP_ROUTES = {
  qr: '/api/instances/:userId/whatsapp/qr',
  wait: '/api/instances/:userId/whatsapp/wait',
  status: '/api/instances/:userId/whatsapp/status',
  logout: '/api/instances/:userId/whatsapp/logout',
} as const;

/** The WhatsApp pairing use-case over the user's pooled gateway RPC. */
export function whatsappPairingFor(rpc: Pick<InstanceRpc, 'call'>, userId: string): WhatsAppPairing {
  return new WhatsAppPairing((method, params, { timeoutMs, signal }) => rpc.call(userId, { method, params, timeoutMs }, signal ? { signal } : {}));
}

export function registerWhatsAppRoutes(router: AppRouter, deps: Pick<RouteDeps, 'rpc'>): void {
  const pairingFor = (userId: string): WhatsAppPairing => whatsappPairingFor(deps.rpc, userId);

  router.post(WHATSAPP_ROUTES.qr, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const body = parseWhatsAppQrBody(ctx.state.body);
    ctx.body = await forClient(ctx, (signal) => pairingFor(userId).start({ force: body.force }, signal));
  });

  router.post(WHATSAPP_ROUTES.wait, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const body = parseWhatsAppWaitBody(ctx.state.body);
    ctx.body = await forClient(ctx, (signal) => pairingFor(userId).wait(body, signal));
  });

  router.get(WHATSAPP_ROUTES.status, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.body = await forClient(ctx, (signal) => pairingFor(userId).status(signal));
  });

  router.post(WHATSAPP_ROUTES.logout, async (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    ctx.body = await forClient(ctx, (signal) => pairingFor(userId).logout(signal));
  });
}

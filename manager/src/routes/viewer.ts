// The browser viewer: GET /viewer/:userId?ticket=... serves the page (the ticket is checked, not used
// up: the page's WebSocket connect uses it) and GET /viewer/assets/:name its bundled script. Outside
// /api, so no Bearer header: the ticket is the credential.
import type { AppRouter } from '../app-state.js';
import { assertUserId } from '../names/user-id.js';
import type { ViewerAssets } from '../viewer/viewer-assets.js';
import { VIEWER_HEADERS, VIEWER_HTML } from '../viewer/viewer-page.js';
import { VncTicketInvalid } from '../vnc/vnc-errors.js';
import type { VncServices } from '../vnc/vnc-services.js';

export function registerViewerRoutes(router: AppRouter, deps: { readonly vnc: VncServices; readonly viewerAssets: ViewerAssets }): void {
  router.get('/viewer/assets/:name', async (ctx) => {
    const asset = await deps.viewerAssets.get(ctx.params.name ?? '');
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = asset.contentType;
    ctx.body = asset.body;
  });

  router.get('/viewer/:userId', (ctx) => {
    const userId = assertUserId(ctx.params.userId ?? '');
    const ticket = ctx.query.ticket;
    if (typeof ticket !== 'string' || ticket === '') throw new VncTicketInvalid();
    deps.vnc.tickets.verify(ticket, userId);
    ctx.set(VIEWER_HEADERS);
    ctx.body = VIEWER_HTML;
  });
}

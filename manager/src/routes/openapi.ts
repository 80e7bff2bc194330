// GET /openapi.json: the API description; open (no auth) so clients can generate code from it.
import type { AppRouter } from '../app-state.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';

export function registerOpenApiRoutes(router: AppRouter): void {
  const document = buildOpenApiDocument();
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
}

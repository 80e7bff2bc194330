// Property-based fuzzing of the manager's HTTP API with fast-check: every route of the OpenAPI
// document (and paths that are none), any method, Authorization / Content-Type / X-Request-Id
// variants, and bodies from valid-looking to hostile. The property: never a 5xx, always the JSON
// error shape for 4xx, and nothing created or deleted. Requests that would legitimately create or
// delete an instance (a valid key plus a valid body) are skipped: this is about bad input.
import { request } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { COMPONENT_SCHEMAS } from '../../manager/src/openapi/components.js';
import { buildOpenApiDocument } from '../../manager/src/openapi/openapi-document.js';
import { parseCreateInstance } from '../../manager/src/validation/request-bodies.js';

export interface FuzzRequest {
  readonly method: string;
  /** Path and query, already percent-encoded where needed. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export interface FuzzOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Users that exist (so routes are reached past "not found"). */
  readonly existingUsers: readonly string[];
  /** The user ids that exist now, to compare before and after. */
  readonly listUsers: () => Promise<string[]>;
  readonly numRuns: number;
  /** Default: OPENCLAW_FUZZ_SEED, else random (fast-check prints it on failure). */
  readonly seed?: number;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'];
const ASCII = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 64 });

/** OpenAPI path templates, e.g. /api/instances/{userId}/rpc. */
export function routeTemplates(): string[] {
  return Object.keys(buildOpenApiDocument().paths as Record<string, unknown>);
}

function userIdArb(existing: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...existing, 'nobody', 'a', 'A', '-a', 'a--b', 'a-', 'x'.repeat(41), '..', '.', 'a b', 'ü', '%00', 'a/b', ''),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,45}$/),
    fc.string({ maxLength: 50 }),
  );
}

/** A path segment as a client would send it (encoded), sometimes case-mangled or with a trailing slash. */
function pathArb(existing: readonly string[]): fc.Arbitrary<string> {
  const templates = routeTemplates();
  const filled = fc.tuple(fc.constantFrom(...templates), userIdArb(existing), fc.constantFrom('', '/', '//'), fc.boolean()).map(
    ([template, userId, tail, upper]) => {
      const path = template.replace(/\{[^}]+\}/g, encodeURIComponent(userId)) + tail;
      return upper ? path.replace(/[a-z]/g, (c, i: number) => (i % 3 === 0 ? c.toUpperCase() : c)) : path;
    },
  );
  const random = fc.oneof(
    fc.webPath(),
    fc.constantFrom('/', '/api', '/api/', '/api/instances/x/y/z', '//metrics', '/api/../metrics', '/viewer/assets/..%2f..%2fpackage.json', '/viewer/assets/'),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom('?preservePvc=true', '?preservePvc=false', '?preservePvc=nope', '?preservePvc=', '?preservePvc=true&preservePvc=false', '?ticket=x', '?token=abc'),
    fc.webQueryParameters().map((q) => `?${q}`),
  );
  // Always an origin-form target ("/..."): anything else is refused by Node's HTTP parser before the app.
  return fc.tuple(fc.oneof({ weight: 4, arbitrary: filled }, { weight: 1, arbitrary: random }), query).map(([p, q]) => `${p.startsWith('/') ? '' : '/'}${p}${q}`);
}

function authArb(apiKey: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(`Bearer ${apiKey}`, `bearer ${apiKey}`, `Bearer  ${apiKey} `) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        undefined, 'Bearer', 'Bearer ', `Bearer ${apiKey}x`, `Bearer ${'x'.repeat(apiKey.length)}`, `Basic ${Buffer.from(`u:${apiKey}`).toString('base64')}`,
        `Bearer ${apiKey} extra`, `Token ${apiKey}`, `Bearer ${'a'.repeat(8000)}`,
      ),
    },
    { weight: 1, arbitrary: ASCII },
  );
}

const CONTENT_TYPES = [
  undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'application/merge-patch+json', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml',
];

function bodyArb(existing: readonly string[]): fc.Arbitrary<string | undefined> {
  const secretName = fc.oneof(fc.constantFrom('ANTHROPIC_API_KEY', 'OPENCLAW_GATEWAY_TOKEN', 'lower', '1BAD', 'A-B', '__proto__', ''), ASCII);
  const secretValue = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null), fc.constant('é'.repeat(5000)), fc.constant({}));
  const create = fc.record(
    { userId: fc.oneof(userIdArb(existing), fc.integer(), fc.constant(null), fc.constant(['a'])), secrets: fc.oneof(fc.dictionary(secretName, secretValue, { maxKeys: 40 }), fc.string(), fc.constant([])), extra: fc.jsonValue() },
    { requiredKeys: [] },
  );
  const rpc = fc.record(
    {
      method: fc.oneof(fc.constantFrom('health', 'status', 'web.login.start', 'channels.status', '', 'A', 'x'.repeat(200)), fc.string(), fc.integer()),
      params: fc.jsonValue(),
      timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(99, 100, 600_000, 600_001), fc.string()),
      channel: fc.string(),
    },
    { requiredKeys: [] },
  );
  const whatsapp = fc.record(
    { force: fc.jsonValue(), timeoutMs: fc.oneof(fc.integer(), fc.double()), currentQrDataUrl: fc.oneof(fc.string(), fc.constant(`data:image/png;base64,${'A'.repeat(20_000)}`)) },
    { requiredKeys: [] },
  );
  const json = fc.oneof(create, rpc, whatsapp, fc.jsonValue()).map((v) => JSON.stringify(v));
  const hostile = fc.constantFrom(
    '{', '[]', 'null', '"x"', '1e999', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}',
    `{"userId":${'['.repeat(5000)}${']'.repeat(5000)}}`, '\u0000\u0001', '{"userId":"a","userId":"b"}',
    JSON.stringify({ userId: 'big', secrets: { BIG: 'x'.repeat(600 * 1024) } }),
  );
  return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 5, arbitrary: json }, { weight: 1, arbitrary: hostile }, { weight: 1, arbitrary: fc.string() });
}

export function requestArb(apiKey: string, existing: readonly string[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom(...METHODS),
      path: pathArb(existing),
      auth: authArb(apiKey),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      requestId: fc.oneof(fc.constant(undefined), fc.constantFrom('abc-123', 'x'.repeat(300), 'bad value;'), ASCII),
      body: bodyArb(existing),
    })
    .map(({ method, path, auth, contentType, requestId, body }) => {
      const headers: Record<string, string> = {};
      if (auth !== undefined) headers.Authorization = auth;
      if (contentType !== undefined) headers['Content-Type'] = contentType;
      if (requestId !== undefined) headers['X-Request-Id'] = requestId;
      return { method, path, headers, ...(body !== undefined ? { body } : {}) };
    });
}

/** Whether `req` is a well-formed create or delete (with the right key): not bad input, so skipped. */
export function wouldMutate(req: FuzzRequest, apiKey: string, existing: readonly string[]): boolean {
  if (/^bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.Authorization ?? '')?.[1] !== apiKey) return false;
  const [rawPath = '', rawQuery = ''] = req.path.split(/\?(.*)/s);
  // The router ignores case and a trailing slash.
  const path = rawPath.toLowerCase().replace(/\/+$/, '');
  if (req.method === 'POST' && path === '/api/instances') {
    try {
      parseCreateInstance(JSON.parse(req.body ?? '{}'));
      return true;
    } catch {
      return false;
    }
  }
  const target = /^\/api\/instances\/([^/]+)$/.exec(path)?.[1];
  if (req.method === 'DELETE' && target !== undefined) {
    let userId: string;
    try {
      userId = decodeURIComponent(target);
    } catch {
      return false;
    }
    const preserve = new URLSearchParams(rawQuery).getAll('preservePvc');
    return existing.some((u) => u.toLowerCase() === userId) && (preserve.length === 0 || (preserve.length === 1 && ['true', 'false'].includes(preserve[0] ?? '')));
  }
  return false;
}

/** Sends `req` as is; an event stream is cut once its headers arrived. */
export function send(baseUrl: string, req: FuzzRequest): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const headers = { ...req.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) };
    const { hostname, port } = new URL(baseUrl);
    // Raw path: a URL object would read "//x" as a host.
    const r = request({ host: hostname, port, path: req.path, method: req.method, headers, timeout: 15_000 }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, contentType, text: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer to ${req.method} ${req.path} within 15 s`)));
    r.on('error', reject);
    r.end(body);
  });
}

/** Whether the router would take `path` for a route behind the key (/api..., /metrics), in any spelling. */
export function reachesProtectedRoute(path: string): boolean {
  const routed = (path.split('?')[0] ?? '').toLowerCase().replace(/\/+$/, '');
  return routed === '/api' || routed.startsWith('/api/') || routed === '/metrics';
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
/** The OpenAPI document's own Error schema: what every error answer must match. */
export const isErrorBody = ajv.compile((COMPONENT_SCHEMAS as { Error: object }).Error);

/** What is wrong with `answer` to `req` (sent with `apiKey` or not), or undefined. */
export function problemWith(req: FuzzRequest, answer: FuzzAnswer, apiKey: string): string | undefined {
  if (answer.status >= 500) return `${answer.status} for ${req.method} ${req.path}: ${answer.text.slice(0, 300)}`;
  const keyed = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.Authorization ?? '')?.[1] === apiKey;
  if (!keyed && reachesProtectedRoute(req.path) && answer.status !== 401 && answer.status !== 429) {
    return `${req.method} ${req.path} without the key answered ${answer.status}, not 401`;
  }
  if (answer.status < 400 || req.method === 'HEAD') return undefined;
  if (!answer.contentType.startsWith('application/json')) return `${answer.status} with Content-Type "${answer.contentType}"`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (!isErrorBody(body)) return `${answer.status} body is not the Error schema (${ajv.errorsText(isErrorBody.errors)}): ${answer.text.slice(0, 200)}`;
  if ((body as { error: string }).error === '') return `${answer.status} body has an empty "error"`;
  return undefined;
}


/** Runs the fuzz; throws (with fast-check's seed and shrunk counterexample) on the first problem. */
export async function fuzzApi(options: FuzzOptions): Promise<{ checked: number; skipped: number }> {
  const before = (await options.listUsers()).sort();
  let checked = 0;
  let skipped = 0;
  const seed = options.seed ?? (process.env.OPENCLAW_FUZZ_SEED ? Number(process.env.OPENCLAW_FUZZ_SEED) : Date.now() % 2 ** 31);
  await fc.assert(
    fc.asyncProperty(requestArb(options.apiKey, options.existingUsers), async (req) => {
      if (wouldMutate(req, options.apiKey, options.existingUsers)) {
        skipped += 1;
        return;
      }
      checked += 1;
      const problem = problemWith(req, await send(options.baseUrl, req), options.apiKey);
      if (problem) throw new Error(problem);
    }),
    { numRuns: options.numRuns, seed },
  );
  const after = (await options.listUsers()).sort();
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    throw new Error(`instances changed during the fuzz (seed ${seed}): before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  }
  return { checked, skipped };
}

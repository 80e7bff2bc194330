// Checks a manager's answers against its own OpenAPI document (manager/src/openapi): the route and
// the status must be documented, a documented JSON answer must be JSON and match its schema, and an
// unknown route must answer with the error shape. The integration setup (setup-secret-capture.ts)
// runs every in-process manager's answers through this and fails the test file on any mismatch.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '../../manager/src/openapi/openapi-document.js';

interface MediaType { readonly schema?: unknown }
interface ResponseEntry { readonly content?: Readonly<Record<string, MediaType>> }
interface Operation { readonly responses?: Readonly<Record<string, ResponseEntry>> }

interface Route {
  readonly template: string;
  readonly pattern: RegExp;
  readonly operations: Readonly<Record<string, Operation>>;
}

const DOCUMENT_ID = 'openapi';
const CLIENT_CLOSED = 499;
const document = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
const routes: Route[] = Object.entries(document.paths).map(([template, item]) => ({
  template,
  // As the router matches: any case, an optional trailing slash.
  pattern: new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')}/?$`, 'i'),
  operations: item as Record<string, Operation>,
}));

// ajv-formats is CommonJS; its default export arrives wrapped or not depending on the loader.
const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The whole document as one schema, so `#/components/schemas/...` references resolve.
ajv.addSchema({ ...document, $id: DOCUMENT_ID });

const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: readonly string[]): ValidateFunction {
  const fragment = pointer.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  const key = `${DOCUMENT_ID}#/${fragment}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.getSchema(key);
    if (!validate) throw new Error(`no schema at ${key}`);
    validators.set(key, validate);
  }
  return validate;
}

export interface Answer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The Content-Type's media type, e.g. application/json. */
  readonly type: string;
  /** The body as text when the manager answered with a string, a Buffer or JSON; undefined for streams. */
  readonly text: string | undefined;
}

/** What is wrong with one answer, or undefined when the document describes it. */
export function answerProblem(answer: Answer): string | undefined {
  // The client went away before the answer (the manager logs 499); nobody receives it.
  if (answer.status === CLIENT_CLOSED) return undefined;
  const where = `${answer.method} ${answer.path} ${answer.status}`;
  const method = answer.method === 'HEAD' ? 'get' : answer.method.toLowerCase();
  // As the router does: the route with this method wins (/backups/import over /backups/{backupId}).
  const matching = routes.filter((r) => r.pattern.test(answer.path));
  const route = matching.find((r) => r.operations[method] !== undefined) ?? matching[0];
  const operation = route?.operations[method];
  if (!route || !operation) {
    // Unknown routes (and methods) answer with the documented error shape.
    if (answer.status < 400) return `${where}: the route is not in the OpenAPI document`;
    return schemaProblem(where, answer, ['components', 'schemas', 'Error']);
  }
  const responses = operation.responses ?? {};
  const status = String(answer.status);
  const entryKey = status in responses ? status : 'default' in responses ? 'default' : undefined;
  if (entryKey === undefined) return `${where}: status ${status} is not documented for ${method.toUpperCase()} ${route.template}`;
  const content = responses[entryKey]?.content;
  if (!content?.['application/json']) return undefined;
  if (answer.method === 'HEAD') return undefined;
  return schemaProblem(where, answer, ['paths', route.template, method, 'responses', entryKey, 'content', 'application/json', 'schema']);
}

function schemaProblem(where: string, answer: Answer, pointer: readonly string[]): string | undefined {
  if (answer.type !== 'application/json') return `${where}: answered ${answer.type || 'no content type'}, documented as application/json`;
  if (answer.text === undefined) return `${where}: a JSON answer without a body`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${where}: the body is not JSON`;
  }
  const validate = validatorAt(pointer);
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  return `${where}: the body does not match ${pointer.join('/')}: ${errors}`;
}

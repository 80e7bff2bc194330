// Validates request bodies against the schemas of schemas/api and turns ajv's errors into one
// message that names the field (e.g. `secrets.foo: ...`), with every problem in details.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InvalidRequest, type FieldProblem } from '../errors/http-error.js';
import { API_SCHEMAS, type ApiSchemaName } from './api-schemas.js';
import { USER_ID_PATTERN, USER_ID_RULE } from '../names/user-id.js';

// Every schema is known up front, so a $ref from one file to another (a fleet upgrade's userIds to
// the create request's userId) resolves whichever body is validated first.
const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true, schemas: Object.values(API_SCHEMAS) });

function validatorFor(name: ApiSchemaName): ValidateFunction {
  const validate = ajv.getSchema(API_SCHEMAS[name].$id);
  if (!validate) throw new Error(`no request schema ${name}`);
  return validate;
}

/**
 * Validates `body` (defaults filled in) against schema `name`; throws InvalidRequest otherwise.
 * @example validateBody<CreateInstanceRequest>('create-instance', { userId: 'alice' })
 */
export function validateBody<T>(name: ApiSchemaName, body: unknown): T {
  const validate = validatorFor(name);
  if (validate(body)) return body as T;
  const problems = describeProblems(validate.errors ?? []);
  const first = problems[0] ?? { field: '(body)', message: 'is invalid' };
  throw new InvalidRequest(formatProblem(first), problems);
}

export function formatProblem(problem: FieldProblem): string {
  return problem.field === '(body)' ? `Request body ${problem.message}` : `${problem.field}: ${problem.message}`;
}

/** One problem per offending field, most useful first; ajv's follow-up errors are dropped. */
export function describeProblems(errors: readonly ErrorObject[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = describe(error);
    if (!problem) continue;
    const key = `${problem.field}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function fieldOf(instancePath: string): string {
  if (instancePath === '') return '(body)';
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(parent: string, child: string): string {
  return parent === '(body)' ? child : `${parent}.${child}`;
}

/** A user id that breaks its pattern or its length: one message, the whole rule. */
function breaksUserIdRule(error: ErrorObject): boolean {
  const params = error.params as Record<string, unknown>;
  return (error.keyword === 'pattern' && params.pattern === USER_ID_PATTERN) ||
    (error.keyword === 'maxLength' && error.schemaPath.endsWith('/properties/userId/maxLength'));
}

function describe(error: ErrorObject): FieldProblem | undefined {
  const field = fieldOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (breaksUserIdRule(error)) return { field, message: USER_ID_RULE.replace(/^userId /, '') };
  switch (error.keyword) {
    case 'required':
      return { field: join(field, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: join(field, String(params.additionalProperty)), message: 'is not a known field' };
    case 'propertyNames':
      return {
        field: join(field, String(params.propertyName)),
        message: 'is not an allowed name: names must match ^[A-Z_][A-Z0-9_]{0,127}$ and must not start with OPENCLAW_ (reserved)',
      };
    case 'pattern':
      // propertyNames' own pattern/not errors are summarised by the propertyNames error.
      if (error.schemaPath.includes('/propertyNames/')) return undefined;
      return { field, message: `must match ${String(params.pattern)}` };
    case 'not':
      return error.schemaPath.includes('/propertyNames/') ? undefined : { field, message: 'is not allowed' };
    case 'type':
      return { field, message: `must be of type ${String(params.type)}` };
    case 'maxProperties':
      return { field, message: `must have at most ${String(params.limit)} entries` };
    case 'maxLength':
      return { field, message: `must be at most ${String(params.limit)} characters` };
    case 'minimum':
    case 'maximum':
      return { field, message: `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(params.limit)}` };
    default:
      return { field, message: error.message ?? 'is invalid' };
  }
}

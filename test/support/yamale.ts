// Validates YAML data against a Yamale schema (the format of chart-testing's etc/chart_schema.yaml),
// because ct's own check calls the `yamale` Python tool, which this machine cannot install. Covers the
// validators that schema uses: str, num, int, bool, any, list, map, enum, include, each with
// `required=False`; like Yamale's default strict mode, a key the schema does not name is an error.
// https://github.com/23andMe/Yamale#validators
import { parseAllDocuments } from 'yaml';

type Validator =
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Argument[]; readonly required: boolean }
  | { readonly kind: 'map-schema'; readonly fields: ReadonlyMap<string, Validator> };
type Argument = Validator | string | number;

export interface YamaleSchema {
  readonly root: Validator;
  readonly includes: ReadonlyMap<string, Validator>;
}

export function parseYamaleSchema(text: string): YamaleSchema {
  const [first, ...rest] = parseAllDocuments(text).map((doc) => doc.toJS() as unknown);
  const includes = new Map<string, Validator>();
  for (const doc of rest) {
    for (const [name, body] of Object.entries(asObject(doc, 'include document'))) includes.set(name, schemaNode(body));
  }
  return { root: schemaNode(first), includes };
}

/** Every problem, as "path: message"; empty when the data is valid. */
export function validateYamale(schema: YamaleSchema, data: unknown): string[] {
  const problems: string[] = [];
  check(schema, schema.root, data, '', problems);
  return problems;
}

function schemaNode(node: unknown): Validator {
  if (typeof node === 'string') return parseExpression(node);
  const fields = new Map<string, Validator>();
  for (const [key, value] of Object.entries(asObject(node, 'schema node'))) fields.set(key, schemaNode(value));
  return { kind: 'map-schema', fields };
}

function isRequired(validator: Validator): boolean {
  return validator.kind === 'map-schema' || validator.required;
}

function check(schema: YamaleSchema, validator: Validator, data: unknown, where: string, problems: string[]): void {
  const before = problems.length;
  if (!matches(schema, validator, data, where, problems) && problems.length === before) {
    problems.push(`${where || '(root)'}: ${describe(data)} is not ${show(validator)}`);
  }
}

/** Whether data matches; nested problems (a field inside a map) are reported where they occur. */
function matches(schema: YamaleSchema, validator: Validator, data: unknown, where: string, problems: string[]): boolean {
  if (validator.kind === 'map-schema') {
    if (!isObject(data)) return false;
    for (const [key, field] of validator.fields) {
      const value = data[key];
      if (value === undefined || value === null) {
        if (isRequired(field)) problems.push(`${join(where, key)}: required`);
      } else {
        check(schema, field, value, join(where, key), problems);
      }
    }
    for (const key of Object.keys(data)) if (!validator.fields.has(key)) problems.push(`${join(where, key)}: not in the schema`);
    return true;
  }
  const validators = validator.args.filter((a): a is Validator => typeof a === 'object');
  switch (validator.name) {
    case 'str':
      return typeof data === 'string';
    case 'num':
      return typeof data === 'number';
    case 'int':
      return Number.isInteger(data);
    case 'bool':
      return typeof data === 'boolean';
    case 'enum':
      return validator.args.includes(data as string | number);
    case 'any':
      return validators.length === 0 || validators.some((v) => matchesQuietly(schema, v, data, where));
    case 'include': {
      const name = String(validator.args[0]);
      const included = schema.includes.get(name);
      if (!included) throw new Error(`the schema includes '${name}', which it does not define`);
      return matches(schema, included, data, where, problems);
    }
    case 'list':
      if (!Array.isArray(data)) return false;
      data.forEach((item, i) => eachOf(schema, validators, item, `${where}[${i}]`, problems));
      return true;
    case 'map':
      if (!isObject(data)) return false;
      for (const [key, value] of Object.entries(data)) eachOf(schema, validators, value, join(where, key), problems);
      return true;
    default:
      throw new Error(`unsupported Yamale validator ${validator.name}()`);
  }
}

function eachOf(schema: YamaleSchema, validators: readonly Validator[], data: unknown, where: string, problems: string[]): void {
  if (validators.length === 0 || validators.some((v) => matchesQuietly(schema, v, data, where))) return;
  const [only, ...others] = validators;
  if (only && others.length === 0) check(schema, only, data, where, problems);
  else problems.push(`${where}: ${describe(data)} matches none of ${validators.map(show).join(', ')}`);
}

function matchesQuietly(schema: YamaleSchema, validator: Validator, data: unknown, where: string): boolean {
  const problems: string[] = [];
  return matches(schema, validator, data, where, problems) && problems.length === 0;
}

// An expression: name(arg, arg, key=value), where an arg is an expression, a quoted string or a number.
function parseExpression(source: string): Validator {
  let at = 0;
  const skipSpace = () => {
    while (source[at] === ' ') at++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (source[at] !== char) throw new Error(`Yamale expression "${source}": expected "${char}" at ${at}`);
    at++;
  };
  const identifier = (): string => {
    skipSpace();
    const match = /^[A-Za-z_][\w-]*/.exec(source.slice(at));
    if (!match) throw new Error(`Yamale expression "${source}": expected a name at ${at}`);
    at += match[0].length;
    return match[0];
  };
  const argument = (): Argument => {
    skipSpace();
    const quote = source[at];
    if (quote === "'" || quote === '"') {
      const end = source.indexOf(quote, at + 1);
      const text = source.slice(at + 1, end);
      at = end + 1;
      return text;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(at));
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    return call();
  };
  const call = (): Validator => {
    const name = identifier();
    expect('(');
    const args: Argument[] = [];
    let required = true;
    skipSpace();
    while (source[at] !== ')') {
      const keyword = /^(\w+)\s*=\s*/.exec(source.slice(at));
      if (keyword) {
        at += keyword[0].length;
        const value = identifier();
        if (keyword[1] === 'required') required = value !== 'False';
      } else {
        args.push(argument());
      }
      skipSpace();
      if (source[at] === ',') at++;
      skipSpace();
    }
    expect(')');
    return { kind: 'call', name, args, required };
  };
  const validator = call();
  skipSpace();
  if (at !== source.length) throw new Error(`Yamale expression "${source}": unexpected text at ${at}`);
  return validator;
}

function show(validator: Validator): string {
  if (validator.kind === 'map-schema') return 'a map';
  const args = validator.args.map((a) => (typeof a === 'object' ? show(a) : JSON.stringify(a)));
  return `${validator.name}(${args.join(', ')})`;
}

function describe(data: unknown): string {
  return Array.isArray(data) ? 'a list' : isObject(data) ? 'a map' : JSON.stringify(data);
}

function join(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw new Error(`Yamale ${what} must be a map`);
  return value;
}

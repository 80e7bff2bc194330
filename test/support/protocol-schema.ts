// The gateway protocol schema of the pinned npm package @openclaw/gateway-protocol (versions.env
// OPENCLAW_GATEWAY_PROTOCOL_VERSION), compiled once. The package's exports map does not expose
// protocol.schema.json, so it is read from the package directory.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const PROTOCOL_PACKAGE_DIR = path.join(ROOT, 'node_modules/@openclaw/gateway-protocol');
const SCHEMA_FILE = path.join(PROTOCOL_PACKAGE_DIR, 'protocol.schema.json');
const SCHEMA_ID = 'protocol';

interface ProtocolSchema {
  readonly definitions: Record<string, unknown>;
  readonly methods: Record<string, { readonly scope?: string }>;
}

/** The version pinned in versions.env; the installed package must be exactly it. */
export function pinnedProtocolVersion(): string {
  const match = /^OPENCLAW_GATEWAY_PROTOCOL_VERSION=(.+)$/m.exec(readFileSync(path.join(ROOT, 'versions.env'), 'utf8'));
  if (!match?.[1]) throw new Error('versions.env has no OPENCLAW_GATEWAY_PROTOCOL_VERSION');
  return match[1].trim();
}

export function installedProtocolVersion(): string {
  return (JSON.parse(readFileSync(path.join(PROTOCOL_PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

/** `web.login.start` -> `WebLoginStart` (the definitions are named <Pascal>Params / <Pascal>Result). */
export function pascalMethod(method: string): string {
  return method
    .split(/[._-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export class ProtocolValidator {
  readonly schema: ProtocolSchema;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as ProtocolSchema;
    // strict off: the file carries keywords Ajv does not validate (`methods`, `x-openclaw-since`, and an
    // OpenAPI `discriminator` with `mapping`, which Ajv refuses); the `oneOf` beside it decides alone.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addSchema(this.schema, SCHEMA_ID);
  }

  has(definition: string): boolean {
    return definition in this.schema.definitions;
  }

  isKnownMethod(method: string): boolean {
    return method in this.schema.methods;
  }

  /** Problems of `value` against the whole frame union (definition undefined) or one definition. */
  check(value: unknown, definition?: string): string[] {
    const ref = definition === undefined ? SCHEMA_ID : `${SCHEMA_ID}#/definitions/${definition}`;
    let validate = this.cache.get(ref);
    if (!validate) {
      const compiled = this.ajv.getSchema(ref);
      if (!compiled) throw new Error(`protocol.schema.json has no ${definition ?? 'root'} schema`);
      validate = compiled;
      this.cache.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${definition ?? 'frame'}${e.instancePath} ${e.message ?? 'invalid'}`);
  }
}

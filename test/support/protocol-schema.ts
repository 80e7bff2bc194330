// The gateway protocol schema of the npm package @openclaw/gateway-protocol at the version and
// tarball digest pinned in versions.env, compiled once. The package is fetched with `npm pack` into
// the cache rather than installed: its engines field asks for a newer Node than the project needs,
// and only its protocol.schema.json (which its exports map does not expose) is read.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PACKAGE = '@openclaw/gateway-protocol';
const SCHEMA_ID = 'protocol';

interface ProtocolSchema {
  readonly definitions: Record<string, unknown>;
  readonly methods: Record<string, { readonly scope?: string }>;
}

function pinned(name: string): string {
  const match = new RegExp(`^${name}=(.+)$`, 'm').exec(readFileSync(path.join(ROOT, 'versions.env'), 'utf8'));
  if (!match?.[1]) throw new Error(`versions.env has no ${name}`);
  return match[1].trim();
}

/** The version pinned in versions.env; the unpacked package must be exactly it. */
export function pinnedProtocolVersion(): string {
  return pinned('OPENCLAW_GATEWAY_PROTOCOL_VERSION');
}

/** The unpacked package, fetched once per version and checked against the pinned digest. */
function packageDir(): string {
  const version = pinnedProtocolVersion();
  const cache = process.env.OPENCLAW_PLATFORM_CACHE ?? path.join(homedir(), '.cache', 'openclaw-platform');
  const dir = path.join(cache, 'gateway-protocol', version, 'package');
  if (existsSync(path.join(dir, 'protocol.schema.json'))) return dir;
  mkdirSync(path.dirname(dir), { recursive: true });
  const scratch = mkdtempSync(path.join(path.dirname(dir), 'fetch-'));
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${version}`, '--pack-destination', scratch, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = path.join(scratch, readdirSync(scratch).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
    const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    const expected = pinned('OPENCLAW_GATEWAY_PROTOCOL_INTEGRITY');
    if (digest !== expected) throw new Error(`${PACKAGE}@${version} from the registry is ${digest}, not the pinned ${expected}`);
    execFileSync('tar', ['-xzf', tarball, '-C', scratch, 'package/package.json', 'package/protocol.schema.json']);
    renameSync(path.join(scratch, 'package'), dir);
    return dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function installedProtocolVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageDir(), 'package.json'), 'utf8')) as { version: string }).version;
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
    this.schema = JSON.parse(readFileSync(path.join(packageDir(), 'protocol.schema.json'), 'utf8')) as ProtocolSchema;
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

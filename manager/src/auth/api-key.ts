// The API key check. Both sides are hashed first so timingSafeEqual compares equal lengths and the
// comparison time reveals neither the key's length nor its prefix.
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The configured key's digest, made once: the key does not change while the process runs. */
let configured: { readonly key: string; readonly digest: Buffer } | undefined;

/** Constant-time comparison of a presented key with the configured one. */
export function apiKeyMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  if (configured?.key !== expected) configured = { key: expected, digest: sha256(expected) };
  return timingSafeEqual(configured.digest, sha256(presented));
}

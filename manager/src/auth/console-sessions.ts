// Sessions of the operator console: a browser that signed in with the API key gets a random session
// id (its cookie) and a CSRF token; the key itself is never kept. Only SHA-256 digests of the ids are
// stored, so the table alone opens nothing. Sessions live in this process's memory: a manager restart
// signs every console out, as it voids every VNC ticket.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConsoleSessionsOptions {
  /** Longest a session lives, however busy (default 8 h). */
  readonly ttlMs?: number;
  /** A session unused this long ends (default 30 min; the console's polling keeps an open tab's alive). */
  readonly idleMs?: number;
  /** Sessions kept at once; the oldest go first (default 100). */
  readonly maxSessions?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export interface ConsoleSession {
  /** Sent back in X-CSRF-Token by the console's own writes. */
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface NewConsoleSession extends ConsoleSession {
  /** The cookie value; shown once, stored only as a digest. */
  readonly id: string;
}

interface Entry {
  readonly csrfToken: string;
  readonly expiresAt: number;
  lastUsedAt: number;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;
const SECRET_BYTES = 32;
// 32 random bytes in base64url, the only shape an id or a token has.
const SECRET = /^[A-Za-z0-9_-]{43}$/;

const digest = (id: string): string => createHash('sha256').update(id).digest('base64url');

export class ConsoleSessions {
  readonly ttlMs: number;
  private readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** Digest of the id -> session; insertion order is creation order. */
  private readonly entries = new Map<string, Entry>();

  constructor(options: ConsoleSessionsOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxSessions = options.maxSessions ?? 100;
    this.now = options.now ?? Date.now;
  }

  create(): NewConsoleSession {
    this.prune();
    while (this.entries.size >= this.maxSessions) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    const id = randomBytes(SECRET_BYTES).toString('base64url');
    const now = this.now();
    const entry: Entry = { csrfToken: randomBytes(SECRET_BYTES).toString('base64url'), expiresAt: now + this.ttlMs, lastUsedAt: now };
    this.entries.set(digest(id), entry);
    return { id, csrfToken: entry.csrfToken, expiresAt: new Date(entry.expiresAt) };
  }

  /** The live session a cookie value names, marked as used now; undefined for anything else. */
  find(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined || !SECRET.test(id)) return undefined;
    const key = digest(id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (now >= entry.expiresAt || now - entry.lastUsedAt >= this.idleMs) {
      this.entries.delete(key);
      return undefined;
    }
    entry.lastUsedAt = now;
    return { csrfToken: entry.csrfToken, expiresAt: new Date(entry.expiresAt) };
  }

  /** Ends the session a cookie value names, if any. */
  revoke(id: string | undefined): void {
    if (id !== undefined && SECRET.test(id)) this.entries.delete(digest(id));
  }

  get size(): number {
    this.prune();
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (now >= entry.expiresAt || now - entry.lastUsedAt >= this.idleMs) this.entries.delete(key);
    }
  }
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfTokenMatches(session: ConsoleSession, presented: string | undefined): boolean {
  if (presented === undefined || !SECRET.test(presented)) return false;
  return timingSafeEqual(Buffer.from(session.csrfToken), Buffer.from(presented));
}

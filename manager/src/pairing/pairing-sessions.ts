// The open pairing sessions: at most one per user, since an instance runs one WhatsApp login at a
// time (a newer link replaces the older session instead of fighting it for the QR). A session is
// named by a random token the page sends as `Authorization: Bearer`; only its SHA-256 digest is kept.
// Sessions live in this process's memory: a manager restart ends them, as it voids every ticket.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PairingSessionEnded } from './pairing-errors.js';
import { PairingSession } from './pairing-session.js';

export interface PairingSessionsOptions {
  /** How long a session lasts once opened (default 10 min: three logins of 3 min and some). */
  readonly lifetimeMs?: number;
  /** Logins one session may start (default 3). */
  readonly attempts?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export interface OpenedPairingSession {
  /** The session's name; shown once, stored only as a digest. */
  readonly token: string;
  readonly session: PairingSession;
}

export const DEFAULT_PAIRING_SESSION_MS = 10 * 60_000;
export const DEFAULT_PAIRING_ATTEMPTS = 3;
const TOKEN_BYTES = 32;
// 32 random bytes in base64url, the only shape a token has.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export class PairingSessions {
  private readonly lifetimeMs: number;
  private readonly attempts: number;
  private readonly now: () => number;
  private readonly byUser = new Map<string, { readonly digest: Buffer; readonly session: PairingSession }>();

  constructor(options: PairingSessionsOptions = {}) {
    this.lifetimeMs = options.lifetimeMs ?? DEFAULT_PAIRING_SESSION_MS;
    this.attempts = options.attempts ?? DEFAULT_PAIRING_ATTEMPTS;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session for `userId`, ending the one it had. */
  open(userId: string): OpenedPairingSession {
    this.prune();
    this.byUser.get(userId)?.session.end();
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const session = new PairingSession({ expiresAt: this.now() + this.lifetimeMs, attempts: this.attempts, now: this.now });
    this.byUser.set(userId, { digest: digest(token), session });
    return { token, session };
  }

  /** The live session `token` names for `userId`. @throws PairingSessionEnded for anything else */
  find(token: string | undefined, userId: string): PairingSession {
    const entry = this.byUser.get(userId);
    if (!entry || token === undefined || !TOKEN.test(token) || !timingSafeEqual(entry.digest, digest(token))) throw new PairingSessionEnded();
    if (entry.session.expired) {
      this.byUser.delete(userId);
      entry.session.end();
      throw new PairingSessionEnded();
    }
    return entry.session;
  }

  /** Live sessions. */
  get size(): number {
    this.prune();
    return this.byUser.size;
  }

  private prune(): void {
    for (const [userId, entry] of this.byUser) {
      if (!entry.session.expired) continue;
      this.byUser.delete(userId);
      entry.session.end();
    }
  }
}

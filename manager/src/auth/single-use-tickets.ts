// Short-lived, single-use tickets that let a browser act for one user without the API key (the VNC
// screen, the WhatsApp pairing page). A ticket is `<issuedAt base36>.<random id>.<HMAC-SHA256>`; the
// MAC covers its purpose and the user id too, so a ticket opens only what it was minted for. Used ids
// are remembered until they expire.
//
// Single use is enforced by this process: tickets minted before it started are refused (it cannot
// know which of them were used), and the manager runs as one replica.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The errors a refused ticket is thrown as; each purpose words them for its own users. */
export interface TicketRefusals {
  /** Malformed, forged, minted for another user or purpose, or by an earlier manager process. */
  invalid(): Error;
  expired(): Error;
  used(): Error;
}

export interface SingleUseTicketOptions {
  /** HMAC key, at least 32 bytes (e.g. deriveTicketKey(apiKey, info)). */
  readonly key: Uint8Array;
  /** Bound into every MAC, e.g. 'openclaw-vnc-ticket/v1': a ticket of one purpose never passes for another. */
  readonly purpose: string;
  readonly ttlMs: number;
  readonly refusals: TicketRefusals;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: Date;
}

const ID_BYTES = 16;
// Clocks may step back a little between minting and use.
const CLOCK_SLACK_MS = 5_000;
const TICKET = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** A ticket key bound to the API key (HKDF-SHA256), so rotating the key voids every ticket. */
export function deriveTicketKey(apiKey: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', apiKey, 'openclaw-manager', info, 32));
}

export class SingleUseTickets {
  readonly ttlMs: number;
  private readonly key: Uint8Array;
  private readonly purpose: string;
  private readonly refusals: TicketRefusals;
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Used ticket id -> when it expires; insertion order is expiry order since the TTL is fixed. */
  private readonly used = new Map<string, number>();

  constructor(options: SingleUseTicketOptions) {
    if (options.key.length < 32) throw new RangeError(`The key of ${options.purpose} tickets must be at least 32 bytes`);
    this.key = options.key;
    this.purpose = options.purpose;
    this.ttlMs = options.ttlMs;
    this.refusals = options.refusals;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Mints a ticket for `userId`. */
  issue(userId: string): IssuedTicket {
    const issuedAt = this.now();
    const id = randomBytes(ID_BYTES).toString('base64url');
    const iat = issuedAt.toString(36);
    return { ticket: `${iat}.${id}.${this.mac(userId, iat, id)}`, expiresAt: new Date(issuedAt + this.ttlMs) };
  }

  /** Checks a ticket without using it up (e.g. a page load). Throws one of the refusals. */
  verify(ticket: string, userId: string): void {
    this.check(ticket, userId);
  }

  /** Checks and uses up a ticket. Throws one of the refusals. */
  redeem(ticket: string, userId: string): void {
    const { id, expiresAt } = this.check(ticket, userId);
    this.used.set(id, expiresAt);
  }

  /** How many used ids are remembered (bounded by the tickets redeemed in one TTL). */
  get rememberedCount(): number {
    this.prune();
    return this.used.size;
  }

  private check(ticket: string, userId: string): { id: string; expiresAt: number } {
    const match = TICKET.exec(ticket);
    if (!match) throw this.refusals.invalid();
    const [, iat = '', id = '', mac = ''] = match;
    const expected = Buffer.from(this.mac(userId, iat, id), 'base64url');
    const presented = Buffer.from(mac, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw this.refusals.invalid();
    const issuedAt = parseInt(iat, 36);
    const now = this.now();
    if (issuedAt < this.startedAt || issuedAt > now + CLOCK_SLACK_MS) throw this.refusals.invalid();
    const expiresAt = issuedAt + this.ttlMs;
    if (now >= expiresAt) throw this.refusals.expired();
    this.prune();
    if (this.used.has(id)) throw this.refusals.used();
    return { id, expiresAt };
  }

  private mac(userId: string, iat: string, id: string): string {
    return createHmac('sha256', this.key).update(`${this.purpose}\0${userId}\0${iat}\0${id}`).digest('base64url');
  }

  private prune(): void {
    const now = this.now();
    for (const [id, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(id);
    }
  }
}

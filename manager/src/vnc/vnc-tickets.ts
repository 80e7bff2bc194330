// Short-lived, single-use tickets for the VNC WebSocket, so a browser never holds the API key.
// A ticket is `<issuedAt base36>.<random id>.<HMAC-SHA256>`; the MAC covers the user id too, so a
// ticket only opens the screen it was minted for. Used ids are remembered until they expire.
//
// Single use is enforced by this process: tickets minted before it started are refused (it cannot
// know which of them were used), and the manager runs as one replica.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { VncTicketAlreadyUsed, VncTicketExpired, VncTicketInvalid } from './vnc-errors.js';

export interface VncTicketOptions {
  /** HMAC key, at least 32 bytes (e.g. deriveTicketKey(apiKey)). */
  readonly key: Uint8Array;
  /** Lifetime in ms (default 60 000). */
  readonly ttlMs?: number;
  /** Clock in ms (default Date.now); tests pass their own. */
  readonly now?: () => number;
}

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: Date;
}

export const DEFAULT_TICKET_TTL_MS = 60_000;
const ID_BYTES = 16;
const MAC_PREFIX = 'openclaw-vnc-ticket/v1';
// Clocks may step back a little between minting and use.
const CLOCK_SLACK_MS = 5_000;
const TICKET = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** A ticket key bound to the API key (HKDF-SHA256), so rotating the key voids every ticket. */
export function deriveTicketKey(apiKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', apiKey, 'openclaw-manager', 'vnc-ticket-hmac-v1', 32));
}

export class VncTickets {
  readonly ttlMs: number;
  private readonly key: Uint8Array;
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Used ticket id -> when it expires; insertion order is expiry order since the TTL is fixed. */
  private readonly used = new Map<string, number>();

  constructor(options: VncTicketOptions) {
    if (options.key.length < 32) throw new RangeError('VNC ticket key must be at least 32 bytes');
    this.key = options.key;
    this.ttlMs = options.ttlMs ?? DEFAULT_TICKET_TTL_MS;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Mints a ticket for `userId`'s screen. */
  issue(userId: string): IssuedTicket {
    const issuedAt = this.now();
    const id = randomBytes(ID_BYTES).toString('base64url');
    const iat = issuedAt.toString(36);
    return { ticket: `${iat}.${id}.${this.mac(userId, iat, id)}`, expiresAt: new Date(issuedAt + this.ttlMs) };
  }

  /** Checks a ticket without using it up (the viewer page load). Throws VncTicket* errors. */
  verify(ticket: string, userId: string): void {
    this.check(ticket, userId);
  }

  /** Checks and uses up a ticket (the WebSocket connect). Throws VncTicket* errors. */
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
    if (!match) throw new VncTicketInvalid();
    const [, iat = '', id = '', mac = ''] = match;
    const expected = Buffer.from(this.mac(userId, iat, id), 'base64url');
    const presented = Buffer.from(mac, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new VncTicketInvalid();
    const issuedAt = parseInt(iat, 36);
    const now = this.now();
    if (issuedAt < this.startedAt || issuedAt > now + CLOCK_SLACK_MS) throw new VncTicketInvalid();
    const expiresAt = issuedAt + this.ttlMs;
    if (now >= expiresAt) throw new VncTicketExpired();
    this.prune();
    if (this.used.has(id)) throw new VncTicketAlreadyUsed();
    return { id, expiresAt };
  }

  private mac(userId: string, iat: string, id: string): string {
    return createHmac('sha256', this.key).update(`${MAC_PREFIX}\0${userId}\0${iat}\0${id}`).digest('base64url');
  }

  private prune(): void {
    const now = this.now();
    for (const [id, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(id);
    }
  }
}

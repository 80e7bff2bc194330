import { describe, expect, it } from 'vitest';
import { VncTicketAlreadyUsed, VncTicketExpired, VncTicketInvalid } from '../../manager/src/vnc/vnc-errors.js';
import { VncTickets, deriveTicketKey } from '../../manager/src/vnc/vnc-tickets.js';

const KEY = deriveTicketKey('unit-test-api-key-0123456789');

function setup(ttlMs = 60_000) {
  const clock = { now: 1_000_000 };
  const tickets = new VncTickets({ key: KEY, ttlMs, now: () => clock.now });
  return { clock, tickets };
}

describe('VncTickets', () => {
  it('mints a ticket that expires after the TTL', () => {
    const { clock, tickets } = setup();
    const issued = tickets.issue('alice');
    expect(issued.ticket).toMatch(/^[0-9a-z]+\.[\w-]{22}\.[\w-]{43}$/);
    expect(issued.expiresAt.getTime()).toBe(clock.now + 60_000);
  });

  it('is single use: verify does not use it up, redeem does', () => {
    const { tickets } = setup();
    const { ticket } = tickets.issue('alice');
    tickets.verify(ticket, 'alice');
    tickets.verify(ticket, 'alice');
    tickets.redeem(ticket, 'alice');
    expect(() => tickets.verify(ticket, 'alice')).toThrow(VncTicketAlreadyUsed);
    expect(() => tickets.redeem(ticket, 'alice')).toThrow(VncTicketAlreadyUsed);
  });

  it.each([
    ['at 59.999 s it is valid', 59_999, undefined],
    ['at 60 s it has expired', 60_000, VncTicketExpired],
    ['an hour later it has expired', 3_600_000, VncTicketExpired],
  ])('%s', (_name, later, error) => {
    const { clock, tickets } = setup();
    const { ticket } = tickets.issue('alice');
    clock.now += later;
    if (error) expect(() => tickets.redeem(ticket, 'alice')).toThrow(error);
    else expect(() => tickets.redeem(ticket, 'alice')).not.toThrow();
  });

  // The first character: the last one of a base64url part may carry only padding bits, which decode away.
  const tamper = (ticket: string, part: number): string =>
    ticket.split('.').map((p, i) => (i === part ? `${p.startsWith('A') ? 'B' : 'A'}${p.slice(1)}` : p)).join('.');

  it.each([
    ['another user', (t: string) => t, 'bob'],
    ['a changed time', (t: string) => tamper(t, 0), 'alice'],
    ['a changed id', (t: string) => tamper(t, 1), 'alice'],
    ['a changed MAC', (t: string) => tamper(t, 2), 'alice'],
    ['an empty string', () => '', 'alice'],
    ['garbage', () => 'not.a.ticket', 'alice'],
    ['extra parts', (t: string) => `${t}.x`, 'alice'],
  ])('refuses %s as invalid', (_name, change, userId) => {
    const { tickets } = setup();
    const { ticket } = tickets.issue('alice');
    expect(() => tickets.redeem(change(ticket), userId)).toThrow(VncTicketInvalid);
  });

  it('refuses tickets of another key and tickets minted before this process started', () => {
    const { clock, tickets } = setup();
    const other = new VncTickets({ key: deriveTicketKey('another-api-key-0123456789'), now: () => clock.now });
    expect(() => tickets.verify(other.issue('alice').ticket, 'alice')).toThrow(VncTicketInvalid);
    const before = tickets.issue('alice').ticket;
    clock.now += 1000;
    const restarted = new VncTickets({ key: KEY, now: () => clock.now });
    expect(() => restarted.verify(before, 'alice')).toThrow(VncTicketInvalid);
  });

  it('forgets used ids once they have expired', () => {
    const { clock, tickets } = setup();
    for (let i = 0; i < 100; i += 1) tickets.redeem(tickets.issue('alice').ticket, 'alice');
    expect(tickets.rememberedCount).toBe(100);
    clock.now += 60_000;
    expect(tickets.rememberedCount).toBe(0);
  });

  it('wants a key of at least 32 bytes', () => {
    expect(() => new VncTickets({ key: Buffer.alloc(16) })).toThrow(RangeError);
  });
});

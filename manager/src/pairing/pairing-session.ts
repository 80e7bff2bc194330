// One opened pairing link: the QR it shows, how many logins it may still start, until when. Its login
// and wait drive the same WhatsAppPairing use-case as POST .../whatsapp/qr and .../whatsapp/wait (so
// rotation and linking behave the same), and turn their answers into the state the page shows. The
// newest call of a session wins: a reloaded page takes over from the wait its earlier copy left open.
import { WhatsAppAlreadyLinked, WhatsAppLoginFailed } from '../whatsapp/whatsapp-errors.js';
import { WHATSAPP_LOGIN_TTL_MS } from '../whatsapp/whatsapp-login.js';
import type { WhatsAppPairing } from '../whatsapp/whatsapp-pairing.js';
import { PairingAttemptsUsed, PairingCallSuperseded, PairingSessionEnded } from './pairing-errors.js';

/**
 * ready: no login started yet; qr: a QR to scan; linked: the phone linked; already-linked: the
 * instance was linked before (nothing to do); expired: the login ran out unscanned; failed: WhatsApp
 * or the gateway refused it. expired and failed may start another login while attempts are left.
 */
export type PairingState = 'ready' | 'qr' | 'linked' | 'already-linked' | 'expired' | 'failed';

/** What every session request answers: the state to show. Times are relative, so the page's clock does not matter. */
export interface PairingView {
  readonly state: PairingState;
  /** What happened, for the person at the page (WhatsApp's own words where it gave some). */
  readonly message: string;
  /** The QR to show (state qr). */
  readonly qrDataUrl?: string;
  /** Time left of the login the QR belongs to, in ms (state qr). */
  readonly qrExpiresInMs?: number;
  /** Logins this session may still start. */
  readonly attemptsLeft: number;
  /** Time left of the session, in ms. */
  readonly expiresInMs: number;
}

/** How long one wait request stays open: short enough for proxies and phone networks, long enough to be cheap. */
export const PAIRING_WAIT_MS = 25_000;

export interface PairingSessionOptions {
  /** When the session ends, in ms of `now`. */
  readonly expiresAt: number;
  /** Logins it may start. */
  readonly attempts: number;
  readonly now: () => number;
}

interface ShownQr {
  readonly dataUrl: string;
  /** When its login ends, in ms of `now` (a rotated QR keeps its login's end). */
  readonly expiresAt: number;
}

export class PairingSession {
  readonly expiresAt: number;
  private readonly attempts: number;
  private readonly now: () => number;
  private state: PairingState = 'ready';
  private message = 'No QR code shown yet.';
  private qr: ShownQr | undefined;
  private attemptsLeft: number;
  /** The call under way, aborted when a newer one comes or the session ends. */
  private current: AbortController | undefined;

  constructor(options: PairingSessionOptions) {
    this.expiresAt = options.expiresAt;
    this.attempts = options.attempts;
    this.attemptsLeft = options.attempts;
    this.now = options.now;
  }

  get expired(): boolean {
    return this.now() >= this.expiresAt;
  }

  view(): PairingView {
    this.settle();
    const now = this.now();
    const qr = this.state === 'qr' && this.qr ? { qrDataUrl: this.qr.dataUrl, qrExpiresInMs: Math.max(0, this.qr.expiresAt - now) } : {};
    return { state: this.state, message: this.message, ...qr, attemptsLeft: this.attemptsLeft, expiresInMs: Math.max(0, this.expiresAt - now) };
  }

  /**
   * Starts a login and shows its QR; with a QR on screen or the phone linked, it answers the state
   * as it is. An attempt counts once the gateway answered for WhatsApp (a QR, or its refusal).
   * @throws PairingAttemptsUsed, PairingCallSuperseded, and the use-case's errors other than the two it turns into states
   */
  async login(pairing: WhatsAppPairing, signal: AbortSignal): Promise<PairingView> {
    this.settle();
    if (this.state === 'qr' || this.state === 'linked' || this.state === 'already-linked') return this.view();
    if (this.attemptsLeft === 0) throw new PairingAttemptsUsed(this.attempts);
    try {
      const issued = await this.exclusive(signal, (both) => pairing.start({}, both));
      this.attemptsLeft -= 1;
      this.show('qr', issued.message, { dataUrl: issued.qrDataUrl, expiresAt: this.now() + WHATSAPP_LOGIN_TTL_MS });
    } catch (err) {
      if (err instanceof WhatsAppLoginFailed) {
        this.attemptsLeft -= 1;
        this.show('failed', err.message);
      } else if (err instanceof WhatsAppAlreadyLinked) {
        this.show('already-linked', err.message);
      } else {
        throw err;
      }
    }
    return this.view();
  }

  /** Waits up to PAIRING_WAIT_MS for the scan, a new QR or the end of the login; without a QR on screen it answers the state as it is. */
  async wait(pairing: WhatsAppPairing, signal: AbortSignal): Promise<PairingView> {
    this.settle();
    const qr = this.qr;
    if (this.state !== 'qr' || !qr) return this.view();
    const now = this.now();
    const timeoutMs = Math.min(PAIRING_WAIT_MS, qr.expiresAt - now, this.expiresAt - now);
    const outcome = await this.exclusive(signal, (both) => pairing.wait({ timeoutMs, currentQrDataUrl: qr.dataUrl }, both));
    if (outcome.connected) this.show('linked', outcome.message);
    else if (outcome.reason === 'qr-rotated') this.show('qr', outcome.message, { dataUrl: outcome.qrDataUrl, expiresAt: qr.expiresAt });
    else if (outcome.reason === 'expired' || outcome.reason === 'not-started') this.show('expired', outcome.message);
    else if (outcome.reason === 'failed') this.show('failed', outcome.message);
    return this.view();
  }

  /** Ends the session: a call under way is aborted and answered PairingSessionEnded. */
  end(): void {
    this.current?.abort(new PairingSessionEnded());
  }

  private show(state: PairingState, message: string, qr?: ShownQr): void {
    this.state = state;
    this.message = message;
    this.qr = qr;
  }

  /** A QR whose login has run out is expired even before a wait hears so. */
  private settle(): void {
    if (this.state === 'qr' && this.qr && this.now() >= this.qr.expiresAt) this.show('expired', 'The QR code expired before it was scanned.');
  }

  /**
   * Runs `call` as the session's only call: a newer one, or the end of the session, aborts it, and
   * then its answer (or failure) is dropped for the reason of the abort, so a stale answer never
   * changes the state.
   */
  private async exclusive<T>(signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.current?.abort(new PairingCallSuperseded());
    const mine = new AbortController();
    this.current = mine;
    const both = AbortSignal.any([signal, mine.signal]);
    try {
      const result = await call(both);
      both.throwIfAborted();
      return result;
    } catch (err) {
      both.throwIfAborted();
      throw err;
    } finally {
      if (this.current === mine) this.current = undefined;
    }
  }
}

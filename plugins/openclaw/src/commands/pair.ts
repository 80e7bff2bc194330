// `helm openclaw pair <userId>`: start a WhatsApp login, draw its QR, follow rotations until the
// phone links (exit 0) or the login expires, fails or times out (PairingEnded / WhatsApp errors).
import { describeWhatsAppStatus, MAX_WAIT_TIMEOUT_MS, MIN_WAIT_TIMEOUT_MS, type WaitOutcome, WhatsAppAlreadyLinked, WhatsAppLoginFailed } from 'openclaw-platform/core';
import type { Command } from '../args.js';
import { PairingEnded } from '../errors.js';
import type { InstanceAccess } from '../instance-api.js';
import { renderQrDataUrl } from '../qr-terminal.js';
import { QrScreen } from '../qr-screen.js';
import { formatTimeLeft } from '../terminal-frame.js';
import type { CommandIo } from './command-io.js';

export type PairCommand = Extract<Command, { kind: 'pair' }>;

const SCAN_HINT = 'Scan in WhatsApp: Settings > Linked Devices > Link a device';

/** The end of a wait that is not a link or a new QR, as the error to report. */
export function endOf(outcome: Exclude<WaitOutcome, { connected: true } | { reason: 'qr-rotated' }>): Error | undefined {
  switch (outcome.reason) {
    case 'timeout':
      return undefined;
    case 'expired':
      return new PairingEnded(`The QR expired before it was scanned (${outcome.message}); run pair again for a new one`);
    case 'not-started':
      return new PairingEnded(`The WhatsApp login is no longer active (${outcome.message}); run pair again`);
    case 'failed':
      return new WhatsAppLoginFailed(outcome.message);
  }
}

export async function runPair(command: PairCommand, access: InstanceAccess, io: CommandIo): Promise<number> {
  const { signal } = io;
  let qr;
  try {
    qr = await access.whatsapp.start({ force: command.force }, signal);
  } catch (err) {
    if (!(err instanceof WhatsAppAlreadyLinked)) throw err;
    io.stdout.write(`${err.message} Nothing to do; pass --force to link a new device instead.\n`);
    return 0;
  }

  const deadline = Math.min(io.now() + command.timeoutMs, Date.parse(qr.expiresAt));
  const screen = new QrScreen(io.stdout, io.stdout.isTTY === true);
  const statusLine = (): string => `${SCAN_HINT} · expires in ${formatTimeLeft(deadline - io.now())} · Ctrl-C cancels`;
  let current = qr.qrDataUrl;
  screen.show(renderQrDataUrl(current, { colors: io.colors }), statusLine());
  const ticker = setInterval(() => screen.status(statusLine()), 1000);

  try {
    for (;;) {
      const remaining = deadline - io.now();
      if (remaining <= 0) {
        throw new PairingEnded(`Not linked within ${formatTimeLeft(command.timeoutMs)} (the QR was not scanned in time); run pair again`);
      }
      const timeoutMs = Math.min(MAX_WAIT_TIMEOUT_MS, Math.max(MIN_WAIT_TIMEOUT_MS, remaining));
      const outcome = await access.whatsapp.wait({ timeoutMs, currentQrDataUrl: current }, signal);
      if (outcome.connected) {
        screen.finish(`Linked. ${outcome.message}`);
        break;
      }
      if (outcome.reason === 'qr-rotated') {
        current = outcome.qrDataUrl;
        screen.show(renderQrDataUrl(current, { colors: io.colors }), statusLine());
        continue;
      }
      const end = endOf(outcome);
      if (end) throw end;
    }
  } finally {
    clearInterval(ticker);
  }

  try {
    io.stdout.write(`${describeWhatsAppStatus(await access.whatsapp.status(signal))}\n`);
  } catch {
    // The link is made; a failed status read does not change that.
  }
  return 0;
}

// How a failure is told to the user, pure: expected conditions in one line and exit 1; anything
// else the same plus a hint, with the stack only in debug mode; Ctrl-C is exit 130.
import { GatewayError, HttpError } from 'openclaw-platform/core';
import {
  BackupFailed,
  ClusterUnavailable,
  FleetUpgradeFailed,
  InstanceNotFoundInCluster,
  ManagerRequestFailed,
  ManagerUnreachable,
  PairingEnded,
  PortForwardFailed,
  RestoreFailed,
  UsageError,
  WaitTimedOut,
} from './errors.js';
import { QrImageUnreadable } from './qr-modules.js';

export const EXIT_FAILURE = 1;
export const EXIT_INTERRUPTED = 130;

const EXPECTED = [
  UsageError,
  FleetUpgradeFailed,
  BackupFailed,
  RestoreFailed,
  WaitTimedOut,
  ManagerUnreachable,
  ManagerRequestFailed,
  InstanceNotFoundInCluster,
  ClusterUnavailable,
  PortForwardFailed,
  PairingEnded,
  QrImageUnreadable,
  HttpError,
];

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export interface Report {
  readonly text: string;
  readonly exitCode: number;
}

/** What to print on stderr and the exit code for a failure. */
export function reportFailure(err: unknown, options: { readonly debug: boolean; readonly interrupted: boolean }): Report {
  if (options.interrupted) return { text: 'Cancelled.\n', exitCode: EXIT_INTERRUPTED };
  const message = err instanceof Error ? err.message : String(err);
  const stack = options.debug && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  if (err instanceof GatewayError) {
    const code = err.detailCode ?? err.code;
    return { text: `error: gateway: ${oneLine(message)} (${code})\n${stack}`, exitCode: EXIT_FAILURE };
  }
  if (EXPECTED.some((kind) => err instanceof kind)) return { text: `error: ${oneLine(message)}\n${stack}`, exitCode: EXIT_FAILURE };
  const hint = options.debug ? '' : ' (unexpected; run with --debug for the stack trace)';
  return { text: `error: ${oneLine(message)}${hint}\n${stack}`, exitCode: EXIT_FAILURE };
}

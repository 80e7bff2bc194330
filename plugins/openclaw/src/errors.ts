// The CLI's expected failures. Each prints as one line and exits 1; anything else is a bug and shows
// its stack with --debug (or HELM_DEBUG).

/** Wrong command line: the message names the problem and where to find the usage. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(`${message} (see: helm openclaw ${command ? `${command} ` : ''}--help)`);
    this.name = 'UsageError';
  }
}

/** The manager could not be reached at all. */
export class ManagerUnreachable extends Error {
  constructor(url: string, reason: string) {
    super(`Cannot reach the manager at ${url}: ${reason}`);
    this.name = 'ManagerUnreachable';
  }
}

/** The manager answered with an error; its message is shown as is, its details kept for the command. */
export class ManagerRequestFailed extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string, readonly details?: Readonly<Record<string, unknown>>) {
    super(`The manager answered ${status}${code ? ` ${code}` : ''}: ${message}`);
    this.name = 'ManagerRequestFailed';
  }
}

/** No pod, no Secret or no token for the user in the cluster. */
export class InstanceNotFoundInCluster extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstanceNotFoundInCluster';
  }
}

/** The Kubernetes API could not be used (no kubeconfig, unreachable, forbidden). */
export class ClusterUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnavailable';
  }
}

/** The port-forward to the pod failed. */
export class PortForwardFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardFailed';
  }
}

/** The pairing ended without a link: the QR expired, the time ran out, or the login was replaced. */
export class PairingEnded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairingEnded';
  }
}

/** A fleet upgrade ended with an instance that failed (the results were printed). */
export class FleetUpgradeFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetUpgradeFailed';
  }
}

/** A backup ended failed (its record was printed); the message carries the record's error. */
export class BackupFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFailed';
  }
}

/** A restore failed; the message says what became of the data and what to do next. */
export class RestoreFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreFailed';
  }
}

/** The plugin stopped waiting (--timeout) for work that goes on in the manager; the message says where to look. */
export class WaitTimedOut extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimedOut';
  }
}

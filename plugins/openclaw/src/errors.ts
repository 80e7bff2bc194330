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

/** The manager answered with an error; its message is shown as is. */
export class ManagerRequestFailed extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
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

// The help texts, pure. plugin.yaml carries the short versions for `helm help openclaw`.
import type { CommandName } from './args.js';

const CONNECTION = `Connection (cluster access is the default):
  -n, --namespace NS     namespace of the instances (default: helm's -n, else OPENCLAW_NAMESPACE,
                         else openclaw; helm's own "default" counts as unset)
      --manager-url URL  go through the manager instead (env OPENCLAW_MANAGER_URL)
      --api-key KEY      the manager's API key (prefer env OPENCLAW_MANAGER_API_KEY)
      --kubeconfig FILE  kubeconfig (default: helm's KUBECONFIG, else ~/.kube/config)
      --kube-context CTX kubeconfig context (default: helm's --kube-context)
      --no-color         plain output (also NO_COLOR)
      --debug            stack traces on errors (also helm --debug / HELM_DEBUG)
  -h, --help             this help`;

/** The backup commands: the manager keeps the backups' records, so there is no way around it. */
const MANAGER_ONLY = 'Manager only: it needs --manager-url (or OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY.';

const OVERVIEW = `helm openclaw: work with one user's OpenClaw instance

Usage:
  helm openclaw <command> <userId> [options]

Commands:
  pair <userId>                  link WhatsApp: draw the QR in the terminal and wait for the scan
  status <userId>                WhatsApp link state of the instance
  rpc <userId> <method> [json]   call any gateway method, e.g. health, status, channels.status
  vnc <userId>                   port-forward the instance's browser screen (noVNC) and print its URL
  upgrade-all --image-tag T      roll every instance to a new image tag through the manager, canaries
                                 first if asked; one that does not become ready is rolled back
  rollback <userId>              bring back an instance's previous revision (manager only)
  history <userId>               an instance's kept revisions: image, when, why (manager only)
  backup <userId>                back up an instance's data and wait until the copy is ready
                                 (manager only)
  backups <userId>               a user's backups, newest first (manager only)
  restore <userId> <backupId>    replace an instance's data with a backup's (manager only)
  delete-backup <userId> <id>    delete one of a user's backups (manager only)

Without --manager-url the plugin uses the cluster like helm does: it finds the pod labelled
openclaw.ai/user=<userId>, reads the gateway token from Secret <userId>-openclaw and port-forwards.

Run "helm openclaw <command> --help" for a command's options.`;

const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  pair: `helm openclaw pair: link WhatsApp to a user's instance

Usage:
  helm openclaw pair <userId> [--force] [--timeout 3m] [options]

Draws the WhatsApp QR in the terminal. Open WhatsApp on the phone, Settings > Linked Devices >
Link a device, and scan it. The QR is redrawn when WhatsApp rotates it (about every 20 s); a login
expires after 3 minutes. Exits 0 once linked (or when already linked), 1 when the QR expires, the
time runs out or the login fails, 130 on Ctrl-C.

Options:
      --force            link again even when already linked (drops the current link)
      --timeout DUR      give up after DUR (default 3m; e.g. 90s, 2m30s)

${CONNECTION}`,
  status: `helm openclaw status: WhatsApp link state of a user's instance

Usage:
  helm openclaw status <userId> [--json] [options]

Options:
      --json             print the state as JSON

${CONNECTION}`,
  rpc: `helm openclaw rpc: call a gateway method on a user's instance

Usage:
  helm openclaw rpc <userId> <method> [json-params] [--timeout 30s] [options]

Prints the gateway's answer as JSON. Examples:
  helm openclaw rpc alice health
  helm openclaw rpc alice channels.status '{"channel":"whatsapp"}'

Options:
      --timeout DUR      how long to wait for the answer (default 30s)

${CONNECTION}`,
  vnc: `helm openclaw vnc: open a user's browser screen

Usage:
  helm openclaw vnc <userId> [--port P] [options]

Port-forwards the instance's noVNC port (6080) to 127.0.0.1 and prints the URL to open, e.g.
http://127.0.0.1:6080/vnc.html. Runs until Ctrl-C. Needs cluster access (not the manager).

Options:
      --port P           local port (default: a free one)

${CONNECTION}`,
  'upgrade-all': `helm openclaw upgrade-all: roll every instance to a new image tag

Usage:
  helm openclaw upgrade-all --image-tag T [--max-unavailable N] [--users a,b] [--timeout 10m]
                            [--canary N|a,b [--soak 60s]] [--no-rollback] --manager-url URL

Starts the manager's fleet upgrade (POST /api/fleet/upgrade) and follows it: at most N instances are
upgrading (so unavailable) at once, each one waited for until ready; the first failure stops the
roll and the instances not yet started are skipped.

Canaries: with --canary, the first N running instances (or the ones named) are upgraded first and
watched for the soak time: each must stay ready, not restart and answer the gateway's health call.
Only then does the rest go; a canary that fails brings every canary back to its old revision.

Rollback: an instance that does not become ready on the new tag is rolled back to the revision it
ran before and counts as rolled back; --no-rollback leaves it as it is, for a person to look at.

Prints each instance's result as it comes (a canary's also when it starts soaking or rolling back)
and a summary; exits 0 when none failed or was rolled back, 1 otherwise, naming them (also 1 when
a manager shutdown cancelled the run: run it again to finish). Ctrl-C stops following, not the
upgrade.

Manager only: it needs --manager-url (or OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY. Without
a manager, scripts/deploy-user.sh upgrade-all <imageTag> [maxUnavailable] does the same with helm.

Options:
      --image-tag T        the tag to roll to (required)
      --max-unavailable N  instances upgrading at once, 1-50 (default 1)
      --users a,b          only these instances, in this order (default: all)
      --timeout DUR        how long one instance may take to be ready (default 10m; 10s-1h)
      --canary N|a,b       upgrade N canaries (1-50), or these users, first and watch them
      --soak DUR           how long the canaries are watched (default 60s; 0-1h; only with --canary)
      --no-rollback        leave an instance that does not become ready as it is

${CONNECTION}`,
  rollback: `helm openclaw rollback: bring back a previous revision of a user's instance

Usage:
  helm openclaw rollback <userId> [--revision N] [--timeout 4m] --manager-url URL

Asks the manager (POST /api/instances/<userId>/rollback) to bring back a kept revision as a new one
and waits until the instance is ready on it. Without --revision it is the last revision that ran
another image (failed ones left out). Prints where the instance is now; exits 1 when the revision
does not run or is not ready in time. The manager answers only once the instance is ready, and an
HTTP answer is waited for 5 minutes at most, so the wait is 4 minutes at most; for longer, use helm.

Manager only: it needs --manager-url (or OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY. Without
a manager, helm rollback <userId>-openclaw [REVISION] --wait does it, as does
scripts/deploy-user.sh rollback <userId> [revision].

Options:
      --revision N         the revision to bring back (helm openclaw history <userId> lists them)
      --timeout DUR        how long the instance may take to be ready (default and at most 4m;
                           at least 10s)

${CONNECTION}`,
  history: `helm openclaw history: the kept revisions of a user's instance

Usage:
  helm openclaw history <userId> [--json] --manager-url URL

Lists the revisions the manager keeps (GET /api/instances/<userId>/revisions), newest (the current
one) first: the image (tag, and digest when pinned), when it was made, its status and what made it
(create, stop, start, a fleet upgrade, a rollback). The numbers are what rollback --revision takes.

Manager only: it needs --manager-url (or OPENCLAW_MANAGER_URL) and OPENCLAW_MANAGER_API_KEY. Without
a manager, helm history <userId>-openclaw shows helm's own view.

Options:
      --json               print the answer as JSON

${CONNECTION}`,
  backup: `helm openclaw backup: back up a user's data

Usage:
  helm openclaw backup <userId> [--online] [--no-wait] [--timeout 25m] --manager-url URL

Asks the manager for a backup (POST /api/instances/<userId>/backups): a VolumeSnapshot of the data
volume on Kubernetes, a copy of the state directory on the local runtime. By default a running
instance is stopped for the copy, so the copy is consistent, and started again afterwards; the
result says how many seconds it was offline. --online copies it while it runs instead, as after a
power cut, with no time offline.

Waits until the backup is ready or failed (a line on stderr says it is under way) and prints its
id, state, size, time offline and location; exits 0 when ready, 1 when it failed (with why). Ctrl-C
or the timeout stop the waiting only: the backup goes on in the manager. With --no-wait it prints
the pending backup and exits 0 at once. The manager may delete older backups once a new one is
ready (it keeps OPENCLAW_BACKUPS_KEEP of them, never the newest).

${MANAGER_ONLY}

Options:
      --online             copy while the instance runs (crash-consistent), no time offline
      --no-wait            print the pending backup and leave
      --timeout DUR        how long to wait for the backup (default 25m)

${CONNECTION}`,
  backups: `helm openclaw backups: the backups of a user

Usage:
  helm openclaw backups <userId> [--json] --manager-url URL

Lists the user's backups (GET /api/instances/<userId>/backups), newest first: id, state (pending,
ready or failed, with why), consistency (stopped or online), when it was taken, size, seconds the
instance was offline for it and why it was taken ("requested", or "before restoring <id>" for the
copy a restore takes first). Backups outlive the user's instance. The ids are what restore and
delete-backup take.

${MANAGER_ONLY}

Options:
      --json               print the answer as JSON

${CONNECTION}`,
  restore: `helm openclaw restore: replace a user's data with one of their backups

Usage:
  helm openclaw restore <userId> <backupId> [--timeout 4m] --manager-url URL

Asks the manager (POST /api/instances/<userId>/restore) to back up the data the instance has now
(reason "before restoring <backupId>"), with the instance stopped, then put the backup's data in its
place, and waits until the instance is back as it was (running again if it ran). Prints its state
then. When the restore fails, the manager puts the data back from that first copy and the error says
so (RESTORE_FAILED: nothing was lost); when putting it back fails too (RESTORE_UNDO_FAILED), the
error names the backup that holds the data, to restore by hand. The backup must be ready (helm
openclaw backups <userId>). An HTTP answer is waited for 5 minutes at most, so the wait is 4 minutes
at most; when it runs out (or on Ctrl-C) the restore goes on in the manager.

${MANAGER_ONLY}

Options:
      --timeout DUR        how long to wait for the answer (default and at most 4m; at least 10s)

${CONNECTION}`,
  'delete-backup': `helm openclaw delete-backup: delete one of a user's backups

Usage:
  helm openclaw delete-backup <userId> <backupId> --manager-url URL

Deletes the backup (DELETE /api/instances/<userId>/backups/<backupId>): its VolumeSnapshot or copy,
and its record. A backup still being taken cannot be deleted; wait until it is ready or failed.

${MANAGER_ONLY}

${CONNECTION}`,
};

export function helpText(topic?: CommandName): string {
  return `${topic ? COMMAND_HELP[topic] : OVERVIEW}\n`;
}
